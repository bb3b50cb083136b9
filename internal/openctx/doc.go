// Package openctx opens input files so that a context ends the waits on
// them: opening a FIFO waits for a writer, and reading a FIFO, a pipe or a
// terminal waits for data, each until the context ends (a SIGTERM, a
// timeout), with an error wrapping the context's. A regular file is opened
// and read as os.Open does. A device the runtime cannot poll (a disk, most
// character devices) is read without a deadline: see Watch.
package openctx
