package listener

import (
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/route"
)

// Routes: where a delivery is passed on to. Every --forward-to target
// whose filters it matches (event=, schema=, path=; one without filters
// takes every delivery), and the forward URLs of the response rule that
// took it, first; forward (forward.go) passes it to them all at once, and
// the sender gets the first one's answer unless the rule answers.

// forwards reports whether c passes deliveries on at all.
func (c *Config) forwards() bool {
	if c.ForwardTo != "" || len(c.Targets) > 0 {
		return true
	}
	if c.Rules != nil {
		for _, r := range c.Rules.List() {
			if len(r.Forwards()) > 0 {
				return true
			}
		}
	}
	return false
}

// setTargets makes l's targets: ForwardTo, then Targets; and the URLs
// the rules forward to, parsed once.
func (l *Listener) setTargets() {
	if l.cfg.ForwardTo != "" {
		l.forwards = append(l.forwards, newForwardTarget(route.Target{URL: l.cfg.ForwardTo}))
	}
	for _, t := range l.cfg.Targets {
		l.forwards = append(l.forwards, newForwardTarget(t))
		l.routed = l.routed || t.Filtered()
	}
	if l.cfg.Rules == nil {
		return
	}
	for _, r := range l.cfg.Rules.List() {
		for _, u := range r.Forwards() {
			if l.ruleTargets == nil {
				l.ruleTargets = map[string]forwardTarget{}
			}
			l.ruleTargets[u] = newForwardTarget(route.Target{URL: u})
		}
	}
}

// targetsFor is where d goes: the forward URLs of the rule that took it,
// then each target whose filters d matches, each URL once. A delivery
// outside --events goes nowhere; one whose signature is refused (401)
// only to its rule's URLs. Without filters or a rule that is every
// target, as it has always been, and nothing is allocated.
func (l *Listener) targetsFor(r *http.Request, d *inflight) []forwardTarget {
	if d.filtered {
		return nil
	}
	refused := l.refuses(d.rec.Signature)
	if !l.routed && d.rule == nil {
		if refused {
			return nil
		}
		return l.forwards
	}
	var out []forwardTarget
	add := func(t forwardTarget) {
		for _, o := range out {
			if o.raw == t.raw {
				return
			}
		}
		out = append(out, t)
	}
	if d.rule != nil {
		for _, u := range d.ra.Forward {
			add(l.ruleTargets[u])
		}
	}
	if !refused {
		rd := route.Delivery{Path: r.URL.Path, Schema: d.rec.Schema.Name, Event: d.event()}
		for _, t := range l.forwards {
			if t.route.Matches(rd) {
				add(t)
			}
		}
	}
	return out
}

// forwarding reports whether l passes deliveries on: to --forward-to
// targets, or a rule's URLs.
func (l *Listener) forwarding() bool { return len(l.forwards) > 0 || len(l.ruleTargets) > 0 }

// replayTo is where the inspector replays to by default: the first
// --forward-to target; "" when there is none.
func (c *Config) replayTo() string {
	if c.ForwardTo == "" && len(c.Targets) > 0 {
		return c.Targets[0].URL
	}
	return c.ForwardTo
}
