// Nothing to compile: the target exists to build the labs' shared precompiled header.
