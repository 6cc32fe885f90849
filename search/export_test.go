package search

import "time"

// SetFollowHook runs hook at the start of every follower pass (nil: none)
// and shortens the backoff, so a test can make the follower panic.
func SetFollowHook(hook func()) (restore func()) {
	oldHook, oldMin := followHook, followBackoffMin
	followHook, followBackoffMin = hook, 10*time.Millisecond
	return func() { followHook, followBackoffMin = oldHook, oldMin }
}
