// The CBLAS interface of OpenBLAS, plus its thread-count controls.
#include <cblas.h>
