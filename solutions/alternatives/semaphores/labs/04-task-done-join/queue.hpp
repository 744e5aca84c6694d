// Labs 03, 04 and 05 grade one queue.hpp: this design's queue is written once, in lab 03.
#pragma once
#include "../03-bounded-queue/queue.hpp"  // IWYU pragma: export
