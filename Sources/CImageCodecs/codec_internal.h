/* Internal helpers shared by the CImageCodecs source files (not part of the public header). */
#ifndef GLIMPSE_CODEC_INTERNAL_H
#define GLIMPSE_CODEC_INTERNAL_H

#include "image_codecs.h"

/* Writes a printf-style message into `buffer` (capacity bytes, always NUL-terminated when capacity > 0). */
void gc_write_message(char *buffer, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* GC_ERROR_TOO_LARGE if the declared size exceeds the options' limits (message written), else GC_OK. */
gc_status gc_check_limits(uint32_t width, uint32_t height, const gc_decode_options *options,
                          char *message, size_t message_capacity);

/* width * height * channels as size_t, or 0 on overflow. */
size_t gc_image_bytes(uint32_t width, uint32_t height, uint32_t channels);

/* In place: `count` RGBA pixels at `pixels` become RGB, composited over the background:
   out = (c * a + bg * (255 - a) + 127) / 255 (exact rounding of the blend). */
void gc_composite_rgba_in_place(uint8_t *pixels, size_t count, uint8_t bg_r, uint8_t bg_g, uint8_t bg_b);

/* Per-format entry points, called by gc_probe / gc_decode after format detection. */
gc_status gc_png_decode(const uint8_t *data, size_t size, const gc_decode_options *options, int header_only,
                        gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity);
gc_status gc_jpeg_decode(const uint8_t *data, size_t size, const gc_decode_options *options, int header_only,
                         gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity);

#endif
