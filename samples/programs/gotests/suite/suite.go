package suite

import "strings"

// Key joins a path's parts as a store names them.
func Key(parts ...string) string { return strings.Join(parts, "/") }

// Trim cuts a key's last part off; it assumes the key has one.
func Trim(key string) string { return key[:strings.LastIndex(key, "/")] }
