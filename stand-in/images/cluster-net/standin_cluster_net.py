"""The stand-in's cluster network for Python in a container (put on PYTHONPATH by the handlers).

- A Service's DNS name (<service>.<namespace>.svc, optionally .cluster.local) resolves to this
  machine's loopback at the container port plus the instance's port offset: where the pod behind
  the Service listens on the stand-in (see README.md). kube-proxy does this routing on a real node.
- A pod's DNS name under a headless Service (<hostname>.<subdomain>.<namespace>.svc[.cluster.local],
  e.g. an Indexed Job's pods) resolves once that pod runs: to the loopback, a port the pod declares
  (containerPort) at the loopback port the kubelet gave it, any other at the port offset of the
  instance it runs on, from the record the stand-in kubelet published (standin.py publish_pod_dns;
  the folder is STANDIN_CLUSTER_DNS, else the instance's var/lib/stand-in/cluster-dns). Before that
  the name does not exist (socket.gaierror EAI_NONAME), as with CoreDNS.
"""

import json
import os
import socket

_getaddrinfo = socket.getaddrinfo
_OFFSET = int(os.environ.get("STANDIN_PORT_OFFSET", "0") or 0)
_DNS = os.environ.get("STANDIN_CLUSTER_DNS") or os.path.join(os.environ.get("GPU_BENCH_ROOT", ""), "var/lib/stand-in/cluster-dns")


def _service_name(host: str):
    """The part before .svc of a cluster name, or None for any other name."""
    for suffix in (".svc.cluster.local", ".svc"):
        if host.endswith(suffix):
            return host[: -len(suffix)]
    return None


def _cluster_getaddrinfo(host, port, *args, **kwargs):
    name = _service_name(host) if isinstance(host, str) else None
    if name is None:
        return _getaddrinfo(host, port, *args, **kwargs)
    if port is None:
        return _getaddrinfo("127.0.0.1", None, *args, **kwargs)
    offset, mapped = _OFFSET, None
    if name.count(".") >= 2:
        try:
            with open(os.path.join(_DNS, name)) as f:
                record = json.load(f)
        except (OSError, ValueError):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        offset = int(record.get("portOffset", 0))
        mapped = (record.get("ports") or {}).get(str(int(port)))
    return _getaddrinfo("127.0.0.1", int(mapped) if mapped else int(port) + offset, *args, **kwargs)


socket.getaddrinfo = _cluster_getaddrinfo
