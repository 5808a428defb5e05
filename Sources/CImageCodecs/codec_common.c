/* Format detection, limits, messages and the format dispatch of gc_probe / gc_decode. */
#include "codec_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gc_write_message(char *buffer, size_t capacity, const char *format, ...) {
    if (buffer == NULL || capacity == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(buffer, capacity, format, arguments);
    va_end(arguments);
}

gc_decode_options gc_decode_options_default(void) {
    gc_decode_options options;
    memset(&options, 0, sizeof options);
    options.background_r = 255;
    options.background_g = 255;
    options.background_b = 255;
    return options;
}

gc_format gc_detect_format(const uint8_t *data, size_t size) {
    static const uint8_t png_signature[8] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    if (data == NULL) return GC_FORMAT_UNKNOWN;
    if (size >= 8 && memcmp(data, png_signature, 8) == 0) return GC_FORMAT_PNG;
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return GC_FORMAT_JPEG;
    return GC_FORMAT_UNKNOWN;
}

gc_status gc_check_limits(uint32_t width, uint32_t height, const gc_decode_options *options,
                          char *message, size_t message_capacity) {
    if (width == 0 || height == 0) {
        gc_write_message(message, message_capacity, "the header declares an empty image (%u x %u)", width, height);
        return GC_ERROR_CORRUPT;
    }
    if (options->max_side != 0 && (width > options->max_side || height > options->max_side)) {
        gc_write_message(message, message_capacity, "declared size %u x %u exceeds the limit of %u pixels a side",
                         width, height, options->max_side);
        return GC_ERROR_TOO_LARGE;
    }
    if (options->max_pixels != 0 && (uint64_t)width * (uint64_t)height > options->max_pixels) {
        gc_write_message(message, message_capacity, "declared size %u x %u exceeds the limit of %llu pixels",
                         width, height, (unsigned long long)options->max_pixels);
        return GC_ERROR_TOO_LARGE;
    }
    return GC_OK;
}

size_t gc_image_bytes(uint32_t width, uint32_t height, uint32_t channels) {
    uint64_t bytes = (uint64_t)width * (uint64_t)height;
    if (bytes != 0 && bytes * channels / channels != bytes) return 0;
    bytes *= channels;
    if (bytes > (uint64_t)SIZE_MAX) return 0;
    return (size_t)bytes;
}

void gc_composite_rgba_in_place(uint8_t *pixels, size_t count, uint8_t bg_r, uint8_t bg_g, uint8_t bg_b) {
    /* The write position (3i) never passes the read position (4i), so one forward pass is safe. */
    for (size_t i = 0; i < count; i++) {
        const uint8_t *in = pixels + 4 * i;
        uint8_t *out = pixels + 3 * i;
        unsigned a = in[3], na = 255u - a;
        unsigned r = (in[0] * a + bg_r * na + 127u) / 255u;
        unsigned g = (in[1] * a + bg_g * na + 127u) / 255u;
        unsigned b = (in[2] * a + bg_b * na + 127u) / 255u;
        out[0] = (uint8_t)r;
        out[1] = (uint8_t)g;
        out[2] = (uint8_t)b;
    }
}

void gc_free(void *pointer) { free(pointer); }

static gc_status dispatch(const uint8_t *data, size_t size, const gc_decode_options *options, int header_only,
                          gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity) {
    gc_image_info scratch;
    if (info == NULL) info = &scratch;
    memset(info, 0, sizeof *info);
    if (out != NULL) memset(out, 0, sizeof *out);
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    if (data == NULL && size != 0) {
        gc_write_message(message, message_capacity, "no data");
        return GC_ERROR_INVALID_ARGUMENT;
    }
    gc_decode_options defaults = gc_decode_options_default();
    if (options == NULL) options = &defaults;
    info->format = gc_detect_format(data, size);
    switch (info->format) {
    case GC_FORMAT_PNG:
        return gc_png_decode(data, size, options, header_only, out, info, message, message_capacity);
    case GC_FORMAT_JPEG:
        return gc_jpeg_decode(data, size, options, header_only, out, info, message, message_capacity);
    default:
        if (size == 0) {
            gc_write_message(message, message_capacity, "the data is empty (0 bytes)");
        } else {
            char hex[3 * 8 + 1] = {0};
            size_t shown = size < 8 ? size : 8;
            for (size_t i = 0; i < shown; i++) snprintf(hex + 3 * i, 4, "%02X ", data[i]);
            if (shown > 0) hex[3 * shown - 1] = '\0';
            gc_write_message(message, message_capacity,
                             "the first bytes (%s) are neither a PNG nor a JPEG signature", hex);
        }
        return GC_ERROR_UNKNOWN_FORMAT;
    }
}

gc_status gc_probe(const uint8_t *data, size_t size, gc_image_info *info, char *message, size_t message_capacity) {
    return dispatch(data, size, NULL, 1, NULL, info, message, message_capacity);
}

gc_status gc_decode(const uint8_t *data, size_t size, const gc_decode_options *options,
                    gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity) {
    if (out == NULL) {
        gc_write_message(message, message_capacity, "no output image");
        return GC_ERROR_INVALID_ARGUMENT;
    }
    return dispatch(data, size, options, 0, out, info, message, message_capacity);
}
