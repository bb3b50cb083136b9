// Package quote quotes untrusted values for error messages: at most Max
// bytes of a value are shown, so that a huge id, field or flag value does
// not flood a terminal, a log or an HTTP response. Every package of recnet
// that echoes a value it was given quotes it with Short.
package quote
