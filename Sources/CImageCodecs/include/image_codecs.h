#ifndef GLIMPSE_IMAGE_CODECS_H
#define GLIMPSE_IMAGE_CODECS_H
/* Placeholder: the PNG/JPEG wrapper is being written. */
int glimpse_codecs_version(void);
#endif
