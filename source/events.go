package source

import "lx.dev/lx/model"

// Event is one thing a load observed: the one place a caller (the
// explorer, lx report --progress, LX_TRACE) follows an analysis. Events
// come from the reading goroutine and from the one applying layers, so an
// observer must be safe to call from both.
type Event interface{ isEvent() }

// The events, in the order a load may send them.
type (
	// Pulling is one message of the engine's pull of an image it lacked.
	Pulling struct{ Progress PullProgress }
	// Previewed is a source's cheap first answer (an engine's inspect and
	// history), before its stream starts: the layer list is exact, the
	// history may be refined by the config the stream brings.
	Previewed struct{ Config model.Config }
	// Configured is the image's config: its layers and history.
	Configured struct{ Config model.Config }
	// BytesRead is how far the stream has come. Approximate says Total is
	// an estimate the stream may pass (an engine's image size).
	BytesRead struct {
		Read, Total int64 // Total -1 when unknown
		Approximate bool
	}
	// Bound says layer Index's blob is decoded and its place known; it is
	// applied once the layers below it are in.
	Bound struct{ Index int }
	// Deferred says why this source binds its layers only once its stream
	// reaches the manifest (often its last member): a compressed archive
	// cannot seek ahead to it.
	Deferred struct{ Why string }
	// Applied says layer Index is in the model: its tree, markers and
	// counts are final, and Image (read through its methods and Snapshot)
	// holds the figures so far.
	Applied struct {
		Index, Applied, Total int
		Image                 *model.Image
	}
)

func (Pulling) isEvent()    {}
func (Previewed) isEvent()  {}
func (Configured) isEvent() {}
func (BytesRead) isEvent()  {}
func (Bound) isEvent()      {}
func (Deferred) isEvent()   {}
func (Applied) isEvent()    {}

// Observer receives a load's events; nil observes nothing.
type Observer func(Event)

func (o Observer) send(ev Event) {
	if o != nil {
		o(ev)
	}
}
