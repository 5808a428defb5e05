#include "image_codecs.h"
int glimpse_codecs_version(void) { return 1; }
