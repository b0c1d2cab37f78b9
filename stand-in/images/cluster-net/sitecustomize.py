"""The stand-in's cluster network for Python in a container (put on PYTHONPATH by the handlers).

A Service's DNS name (<service>.<namespace>.svc, optionally .cluster.local) resolves to this
machine's loopback at the container port plus the instance's port offset: where the pod behind
the Service listens on the stand-in (see README.md). kube-proxy does this routing on a real node.
"""

import os
import socket

_getaddrinfo = socket.getaddrinfo
_OFFSET = int(os.environ.get("STANDIN_PORT_OFFSET", "0") or 0)


def _cluster_getaddrinfo(host, port, *args, **kwargs):
    if isinstance(host, str) and (host.endswith(".svc") or host.endswith(".svc.cluster.local")):
        return _getaddrinfo("127.0.0.1", None if port is None else int(port) + _OFFSET, *args, **kwargs)
    return _getaddrinfo(host, port, *args, **kwargs)


socket.getaddrinfo = _cluster_getaddrinfo
