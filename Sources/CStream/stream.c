// The streaming stores are static inline in include/stream.h; a C target needs one source file.
#include "stream.h"
