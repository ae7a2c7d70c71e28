package payload

// Event is one Permission Assist event type: its name (event.name), UI
// label (event.display) and description (event.description).
type Event struct{ Name, Display, Description string }

// Events are the eight Permission Assist event types, in the order the
// bundled schema lists them; its if/then rules hold each name to its label
// and description. --exec-on filters and their completion offer the names.
var Events = []Event{
	{"AccessRequestCreated", "Access Request Created", "Occurs when an access request is created."},
	{"AccessRequestAssigned", "Access Request Assigned", "Occurs when an access request is assigned to a person."},
	{"AccessRequestApproved", "Access Request Approved", "Occurs when an access request is approved by all required reviewers."},
	{"AccessRequestProvisioning", "Access Request Provisioning", "Occurs when a request to automate a provision step is made."},
	{"AccessRequestResolved", "Access Request Resolved", "Occurs when an access request is resolved by a provision engineer."},
	{"AccessRequestReopened", "Access Request Reopened", "Occurs when an access request is reopened for provisioning."},
	{"AccessRequestCompleted", "Access Request Completed", "Occurs when an access request is successfully completed."},
	{"AccessRequestCanceled", "Access Request Canceled", "Occurs when an access request is canceled."},
}
