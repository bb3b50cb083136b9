// Package openctx opens input files so that a context ends every wait on
// them: opening a FIFO waits for a writer, and reading a FIFO or a device
// waits for data, each until the context ends (a SIGTERM, a timeout), with
// an error wrapping the context's. A regular file is opened and read as
// os.Open does.
package openctx
