// The one include for OpenGL in attnviz: glad's generated loader (GL 3.3 core).
#pragma once

#include <glad/gl.h>
