/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_SOCKETS_MAP_H
#define __GADGET_SOCKETS_MAP_H

/*
 * Inspektor Gadget's socket enricher reads a map that IG's own socket
 * tracker fills (gadget_sockets, keyed by netns and socket cookie), with
 * its own value layout.  That is not implemented here: our socket enricher
 * (gadget/sockets.h) keeps its own map and looks owners up with
 * gadget_socket_lookup(proto, port) / gadget_socket_lookup_skb(skb).
 */
#error "<gadget/sockets-map.h> (Inspektor Gadget's socket enricher) is not supported by gadget: include \"gadget/sockets.h\" and use gadget_socket_lookup_skb(skb) (README.md, gadget/sockets.h)"

#endif
