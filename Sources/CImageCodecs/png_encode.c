/* PNG encoding of 8-bit RGB into memory with libpng: every setjmp for libpng's errors is in this file. */
#include "codec_internal.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct png_writer {
    uint8_t *buffer;
    size_t size, capacity;
    gc_status status;
    char *message;
    size_t message_capacity;
} png_writer;

static void writer_error(png_structp png, png_const_charp text) {
    png_writer *writer = (png_writer *)png_get_error_ptr(png);
    if (writer->status == GC_OK) {
        writer->status = GC_ERROR_ENCODE;
        gc_write_message(writer->message, writer->message_capacity, "%s", text);
    }
    png_longjmp(png, 1);
}

static void writer_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void writer_write(png_structp png, png_bytep bytes, png_size_t length) {
    png_writer *writer = (png_writer *)png_get_io_ptr(png);
    if (length > writer->capacity - writer->size) {
        size_t capacity = writer->capacity == 0 ? 4096 : writer->capacity;
        while (capacity - writer->size < length) {
            if (capacity > SIZE_MAX / 2) capacity = SIZE_MAX; else capacity *= 2;
            if (capacity == SIZE_MAX) break;
        }
        uint8_t *grown = capacity - writer->size >= length ? realloc(writer->buffer, capacity) : NULL;
        if (grown == NULL) {
            writer->status = GC_ERROR_OUT_OF_MEMORY;
            gc_write_message(writer->message, writer->message_capacity, "out of memory while writing PNG data");
            png_error(png, "memory");
        }
        writer->buffer = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->buffer + writer->size, bytes, length);
    writer->size += length;
}

static void writer_flush(png_structp png) { (void)png; }

gc_status gc_encode_png(const uint8_t *rgb, uint32_t width, uint32_t height, int compression_level,
                        uint8_t **out, size_t *out_size, char *message, size_t message_capacity) {
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    if (out == NULL || out_size == NULL || rgb == NULL || width == 0 || height == 0 ||
        width > PNG_UINT_31_MAX || height > PNG_UINT_31_MAX || compression_level < -1 || compression_level > 9) {
        gc_write_message(message, message_capacity,
                         "invalid PNG encode arguments (%u x %u, compression level %d)", width, height,
                         compression_level);
        return GC_ERROR_INVALID_ARGUMENT;
    }
    *out = NULL;
    *out_size = 0;
    png_writer writer;
    memset(&writer, 0, sizeof writer);
    writer.message = message;
    writer.message_capacity = message_capacity;

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, writer_error, writer_warning);
    if (png == NULL) {
        gc_write_message(message, message_capacity, "libpng could not start (out of memory)");
        return GC_ERROR_OUT_OF_MEMORY;
    }
    png_infop png_info = png_create_info_struct(png);
    if (png_info == NULL) {
        png_destroy_write_struct(&png, NULL);
        gc_write_message(message, message_capacity, "libpng could not start (out of memory)");
        return GC_ERROR_OUT_OF_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &png_info);
        free(writer.buffer);
        return writer.status == GC_OK ? GC_ERROR_ENCODE : writer.status;
    }
    png_set_write_fn(png, &writer, writer_write, writer_flush);
    png_set_compression_level(png, compression_level < 0 ? 6 : compression_level);
    png_set_IHDR(png, png_info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, png_info);
    for (uint32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * width * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &png_info);

    *out = writer.buffer;
    *out_size = writer.size;
    return GC_OK;
}
