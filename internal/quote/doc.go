// Package quote quotes and cuts untrusted values for error messages: at
// most Max bytes of a value are shown, so that a huge id, field or flag
// value does not flood a terminal, a log or an HTTP response. Short quotes
// a value; Cut shortens one (a source name, a message) without cutting a
// character. The packages of recnet that echo a value they were given use
// these two rather than cutting it themselves.
package quote
