"""Installs the stand-in's cluster network (standin_cluster_net.py) in every Python process."""

import standin_cluster_net  # noqa: F401
