// Package pqfooter checks the footer of a Parquet file before a Parquet
// library decodes it. parquet-go makes every list of the footer's
// metadata (schema elements, row groups, column chunks, key-value pairs)
// as long as the footer declares, before reading its elements, and
// allocates the footer itself from its declared length: a file of a few
// bytes could declare gigabytes. Check refuses a footer longer than
// MaxFooter or than the file, and any list, set, map, string or binary
// in it that declares more elements or bytes than the footer has left
// (each element takes at least one byte), so that what a decoder
// allocates is bounded by a small multiple of the file's size.
package pqfooter
