#ifndef GLIMPSE_IMAGE_CODECS_H
#define GLIMPSE_IMAGE_CODECS_H

/*
 * CImageCodecs: PNG and JPEG decoding and encoding in memory, around libpng and libjpeg(-turbo).
 *
 * libpng and libjpeg report errors with longjmp. Every setjmp lives in this C code: each function
 * here returns a gc_status code and, on failure, writes a NUL-terminated message into the caller's
 * buffer (`message`, `message_capacity` bytes; either may be NULL/0). Neither library ever writes to
 * stderr through these functions: warnings are dropped or, where they mean the data is bad, turned
 * into errors.
 *
 * Decoded images are always 8-bit RGB, row-major, 3 bytes a pixel (`width * height * 3` bytes).
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result of every function. */
typedef enum gc_status {
    GC_OK = 0,
    GC_ERROR_UNKNOWN_FORMAT = 1,   /* the first bytes are neither a PNG nor a JPEG signature */
    GC_ERROR_TRUNCATED = 2,        /* the data ends before the image does */
    GC_ERROR_CORRUPT = 3,          /* the data is damaged or not a valid PNG/JPEG stream */
    GC_ERROR_TOO_LARGE = 4,        /* the declared size is over the caller's limits (nothing was allocated) */
    GC_ERROR_UNSUPPORTED = 5,      /* valid but not supported here (e.g. 12-bit or lossless JPEG) */
    GC_ERROR_OUT_OF_MEMORY = 6,
    GC_ERROR_INVALID_ARGUMENT = 7, /* bad sizes, NULL pointers or an out-of-range parameter */
    GC_ERROR_ENCODE = 8            /* the encoder failed */
} gc_status;

/* Container format, detected from the magic bytes (never from a file name). */
typedef enum gc_format {
    GC_FORMAT_UNKNOWN = 0,
    GC_FORMAT_PNG = 1,   /* 89 50 4E 47 0D 0A 1A 0A */
    GC_FORMAT_JPEG = 2   /* FF D8 FF */
} gc_format;

/* Decoding parameters. Zero-initialise and set what you need; gc_decode_options_default gives the defaults. */
typedef struct gc_decode_options {
    /* Refuse (GC_ERROR_TOO_LARGE) an image whose declared width * height exceeds this, before allocating. 0 = no limit. */
    uint64_t max_pixels;
    /* Refuse an image whose declared width or height exceeds this. 0 = no limit. */
    uint32_t max_side;
    /* JPEG only: the decoder may shrink by 1/2, 1/4 or 1/8 in the IDCT (libjpeg scale_num/scale_denom) as long as
       the output stays at least min_width x min_height. 0 x 0 = always decode at full size. PNG ignores it. */
    uint32_t min_width, min_height;
    /* Colour that transparent pixels are composited over: out = (c * a + bg * (255 - a) + 127) / 255. */
    uint8_t background_r, background_g, background_b;
} gc_decode_options;

/* The defaults: no size limits, full size, background white (255, 255, 255). */
gc_decode_options gc_decode_options_default(void);

/* Header facts read by gc_probe and filled in by gc_decode (also on failure, as far as they were read). */
typedef struct gc_image_info {
    gc_format format;
    uint32_t declared_width, declared_height; /* as the header says (0 when the header was not reached) */
    uint32_t channels;                        /* PNG: 1-4 (palette = 1); JPEG: components, 1, 3 or 4 */
    uint32_t bit_depth;                       /* PNG bit depth; JPEG data precision */
    int interlaced;                           /* PNG Adam7 interlacing, or progressive JPEG */
} gc_image_info;

/* A decoded image. `pixels` is malloc'd by gc_decode (width * height * 3 bytes); release it with gc_free. */
typedef struct gc_decoded_image {
    uint32_t width, height;   /* output size, smaller than declared when the JPEG was DCT-scaled */
    uint8_t *pixels;
} gc_decoded_image;

/* Format from the first bytes: GC_FORMAT_PNG, GC_FORMAT_JPEG or GC_FORMAT_UNKNOWN. */
gc_format gc_detect_format(const uint8_t *data, size_t size);

/* Reads only the header: format, declared size, channels, bit depth. Never allocates pixel memory. */
gc_status gc_probe(const uint8_t *data, size_t size, gc_image_info *info, char *message, size_t message_capacity);

/*
 * Decodes PNG (1/2/4/8/16-bit; gray, gray+alpha, RGB, RGBA, palette with or without tRNS; interlaced or not)
 * or JPEG (baseline or progressive; gray, YCbCr/RGB, CMYK/YCCK) from memory into 8-bit RGB.
 *   - 16-bit samples keep their high byte (v >> 8), as Pillow does.
 *   - alpha (an alpha channel or tRNS) is composited over the background colour of `options`.
 *   - CMYK is taken in Adobe's inverted convention (what Photoshop and Pillow write, as libjpeg hands it
 *     over): R = C' * K' / 255 rounded, with C', K' the stored values; likewise G from M', B from Y'.
 *   - JPEG uses the accurate integer IDCT (JDCT_ISLOW) and fancy upsampling, as Pillow does.
 * On success `out->pixels` must be released with gc_free. On failure `out->pixels` is NULL.
 * `info` may be NULL.
 */
gc_status gc_decode(const uint8_t *data, size_t size, const gc_decode_options *options,
                    gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity);

/* Encodes RGB (width * height * 3 bytes, row-major) as an 8-bit RGB PNG. compression_level 0-9 (zlib), -1 = default (6).
   `*out` is malloc'd (release with gc_free), `*out_size` its length. */
gc_status gc_encode_png(const uint8_t *rgb, uint32_t width, uint32_t height, int compression_level,
                        uint8_t **out, size_t *out_size, char *message, size_t message_capacity);

/* Encodes RGB as a baseline JFIF JPEG, 4:2:0 chroma subsampling, optimised Huffman tables, quality 1-100.
   `*out` is malloc'd (release with gc_free), `*out_size` its length. */
gc_status gc_encode_jpeg(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                         uint8_t **out, size_t *out_size, char *message, size_t message_capacity);

/* Releases memory returned by this library (NULL is fine). */
void gc_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
