/*
 * Dispatch through a transport's ops table.
 */
#include <stddef.h>

#include "transport.h"

void
mcp_transport_bind(struct mcp_transport *t, mcp_transport_message_cb on_message,
    mcp_transport_closed_cb on_closed, void *arg)
{
	t->on_message = on_message;
	t->on_closed = on_closed;
	t->arg = arg;
}

int
mcp_transport_send(struct mcp_transport *t, const char *json, size_t len,
    const struct mcp_id *related, bool final)
{
	return t->ops->send(t, json, len, related, final);
}

void
mcp_transport_close(struct mcp_transport *t)
{
	t->ops->close(t);
}

void
mcp_transport_free(struct mcp_transport *t)
{
	if (t != NULL)
		t->ops->free(t);
}
