/* PNG decoding from memory with libpng: every setjmp for libpng's errors is in this file. */
#include "codec_internal.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

/* State shared with libpng's callbacks. Kept in memory (not in registers) so it survives longjmp. */
typedef struct png_reader {
    const uint8_t *data;
    size_t size, position;
    gc_status status;          /* set before png_error by our own callbacks; GC_OK means "libpng's own error" */
    char *message;
    size_t message_capacity;
    uint8_t *pixels;           /* the output buffer, freed on error */
    png_bytep *rows;           /* row pointers, always freed */
} png_reader;

static void reader_error(png_structp png, png_const_charp text) {
    png_reader *reader = (png_reader *)png_get_error_ptr(png);
    if (reader->status == GC_OK) {
        reader->status = GC_ERROR_CORRUPT;
        gc_write_message(reader->message, reader->message_capacity, "%s", text);
    }
    png_longjmp(png, 1);
}

/* Warnings (bad CRC in an ancillary chunk, unknown sRGB profile, ...) are dropped: they never reach stderr. */
static void reader_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void reader_read(png_structp png, png_bytep destination, png_size_t length) {
    png_reader *reader = (png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->position) {
        png_uint_32 chunk = png_get_io_chunk_type(png);
        char name[5] = {(char)(chunk >> 24), (char)(chunk >> 16), (char)(chunk >> 8), (char)chunk, 0};
        for (int i = 0; i < 4; i++)
            if (name[i] < 'A' || (name[i] > 'Z' && name[i] < 'a') || name[i] > 'z') name[i] = '?';
        reader->status = GC_ERROR_TRUNCATED;
        png_uint_32 location = png_get_io_state(png) & PNG_IO_MASK_LOC;
        if (chunk == 0 || location == PNG_IO_SIGNATURE)
            gc_write_message(reader->message, reader->message_capacity,
                             "the data ends after %zu bytes", reader->size);
        else if (location == PNG_IO_CHUNK_HDR)
            gc_write_message(reader->message, reader->message_capacity,
                             "the data ends after %zu bytes, where the chunk after %s should start", reader->size, name);
        else if (location == PNG_IO_CHUNK_CRC)
            gc_write_message(reader->message, reader->message_capacity,
                             "the data ends after %zu bytes, inside the CRC of the %s chunk", reader->size, name);
        else
            gc_write_message(reader->message, reader->message_capacity,
                             "the data ends after %zu bytes, inside the %s chunk", reader->size, name);
        png_error(png, "truncated");
    }
    memcpy(destination, reader->data + reader->position, length);
    reader->position += length;
}

gc_status gc_png_decode(const uint8_t *data, size_t size, const gc_decode_options *options, int header_only,
                        gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity) {
    png_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.data = data;
    reader.size = size;
    reader.message = message;
    reader.message_capacity = message_capacity;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, reader_error, reader_warning);
    if (png == NULL) {
        gc_write_message(message, message_capacity, "libpng could not start (out of memory)");
        return GC_ERROR_OUT_OF_MEMORY;
    }
    png_infop png_info = png_create_info_struct(png);
    if (png_info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        gc_write_message(message, message_capacity, "libpng could not start (out of memory)");
        return GC_ERROR_OUT_OF_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &png_info, NULL);
        free(reader.rows);
        free(reader.pixels);
        return reader.status == GC_OK ? GC_ERROR_CORRUPT : reader.status;
    }

    png_set_read_fn(png, &reader, reader_read);
    /* Our own limits are checked below with a clear message; libpng's default 1e6-pixel side limit would
       otherwise report a huge declared size as a generic error. PNG's own maximum is 2^31 - 1. */
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_read_info(png, png_info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, png_info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    info->declared_width = width;
    info->declared_height = height;
    info->channels = png_get_channels(png, png_info);
    info->bit_depth = (uint32_t)bit_depth;
    info->interlaced = interlace != PNG_INTERLACE_NONE;

    gc_status limit = gc_check_limits(width, height, options, message, message_capacity);
    if (limit != GC_OK || header_only) {
        png_destroy_read_struct(&png, &png_info, NULL);
        return limit;
    }

    /* Everything becomes 8-bit RGB or RGBA. */
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, png_info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_strip_16(png); /* keep the high byte, as Pillow does */
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, png_info);

    uint32_t channels = png_get_channels(png, png_info);
    size_t row_bytes = png_get_rowbytes(png, png_info);
    if ((channels != 3 && channels != 4) || png_get_bit_depth(png, png_info) != 8 ||
        row_bytes != (size_t)width * channels) {
        reader.status = GC_ERROR_UNSUPPORTED;
        gc_write_message(message, message_capacity, "unexpected layout after conversion (%u channels)", channels);
        png_error(png, "layout");
    }
    size_t bytes = gc_image_bytes(width, height, channels);
    if (bytes == 0 || (reader.pixels = malloc(bytes)) == NULL ||
        (reader.rows = malloc(sizeof(png_bytep) * height)) == NULL) {
        reader.status = GC_ERROR_OUT_OF_MEMORY;
        gc_write_message(message, message_capacity, "out of memory for %u x %u pixels", width, height);
        png_error(png, "memory");
    }
    for (png_uint_32 y = 0; y < height; y++) reader.rows[y] = reader.pixels + (size_t)y * row_bytes;
    png_read_image(png, reader.rows);
    /* Read through IEND so that a file cut after its image data still counts as truncated. */
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &png_info, NULL);
    free(reader.rows);

    if (channels == 4) {
        size_t count = (size_t)width * height;
        gc_composite_rgba_in_place(reader.pixels, count, options->background_r, options->background_g,
                                   options->background_b);
        uint8_t *smaller = realloc(reader.pixels, count * 3);
        if (smaller != NULL) reader.pixels = smaller;
    }
    out->width = width;
    out->height = height;
    out->pixels = reader.pixels;
    return GC_OK;
}
