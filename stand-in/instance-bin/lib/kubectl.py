"""kubectl of the stand-in's fake k3s: the subset the node bootstrap and the workloads use.

Emulated: apply, create (namespace, configmap, -f), get (tables, -o json|yaml|name|wide|jsonpath,
--raw /readyz), describe, delete, wait (--for=condition=…, --for=jsonpath=…=…, --for=delete),
rollout status (daemonset, deployment), logs (pod, job/…, deployment/…, daemonset/…, -l,
-c, --tail, --previous, -f), label, version, cluster-info. Anything else fails saying so.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

from standin import (KINDS, API_REFUSED, BUILTIN_NAMESPACES, api_up, delete_pod, die, get_obj, iso, k3s, key,
                     kind_of, new_meta, cluster_nodes, objects, owned_pods, public, rand5, type_name, world, selector_matches,
                     runtime_class_missing, reconcile)

VALUE_FLAGS = {"-n", "--namespace", "-o", "--output", "-l", "--selector", "-f", "--filename", "--timeout", "--for", "-c",
               "--container", "--tail", "--kubeconfig", "--request-timeout", "--context", "--field-selector", "--from-file",
               "--from-literal", "--dry-run", "--grace-period", "--raw", "--since", "--template", "--cascade",
               "--sort-by"}
REPEATED = {"-f", "--filename", "--for", "--from-file", "--from-literal"}
ALIASES = {"--namespace": "-n", "--output": "-o", "--selector": "-l", "--filename": "-f", "--container": "-c",
           "--all-namespaces": "-A", "--previous": "-p", "--follow": "-F"}


def parse(argv: list[str], follow_flag: bool) -> tuple[list[str], dict]:
    pos, flags = [], {}
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            pos += argv[i:]
            break
        if not a.startswith("-") or a == "-":
            pos.append(a)
            continue
        name, eq, value = a.partition("=")
        if follow_flag and name == "-f":
            name = "-F"
        name = ALIASES.get(name, name)
        if not eq and name in VALUE_FLAGS:
            value = argv[i] if i < len(argv) else ""
            i += 1
        elif not eq:
            value = "true"
        if name in REPEATED:
            flags.setdefault(name, []).append(value)
        else:
            flags[name] = value
    return pos, flags


def seconds(text: str | None, default: float) -> float:
    if not text:
        return default
    total, matched = 0.0, False
    for n, unit in re.findall(r"(\d+(?:\.\d+)?)(h|m|s|ms)?", text):
        matched = True
        total += float(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "": 1}[unit]
    return total if matched else default


def age(meta: dict) -> str:
    created = meta.get("creationTimestamp")
    if not created:
        return "<unknown>"
    t = time.mktime(time.strptime(created[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    s = max(0, int(time.time() - t))
    return f"{s}s" if s < 120 else f"{s // 60}m" if s < 7200 else f"{s // 3600}h"


# ---------------------------------------------------------------- jsonpath

def _steps(expr: str) -> list:
    expr = expr.strip()
    if expr[:1] in ("$", "@"):
        expr = expr[1:]
    steps, i = [], 0
    while i < len(expr):
        c = expr[i]
        if c == ".":
            j, name = i + 1, ""
            while j < len(expr) and expr[j] not in ".[":
                if expr[j] == "\\" and j + 1 < len(expr):
                    name += expr[j + 1]
                    j += 2
                    continue
                name += expr[j]
                j += 1
            if name:
                steps.append(("name", name))
            i = j
        elif c == "[":
            depth, j = 0, i
            while j < len(expr):
                depth += expr[j] == "["
                depth -= expr[j] == "]"
                if depth == 0:
                    break
                j += 1
            steps.append(("index", expr[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return steps


def select(expr: str, data) -> list:
    values = [data]
    for kind, arg in _steps(expr):
        out = []
        for v in values:
            if kind == "name":
                if arg == "*" and isinstance(v, dict):
                    out += list(v.values())
                elif isinstance(v, dict) and arg in v:
                    out.append(v[arg])
            elif arg == "*":
                out += v if isinstance(v, list) else list(v.values()) if isinstance(v, dict) else []
            elif arg.startswith("?(") and isinstance(v, list):
                m = re.match(r"\?\(@(.*?)\s*(==|!=)\s*['\"]?(.*?)['\"]?\)$", arg)
                if m:
                    for item in v:
                        got = select("@" + m.group(1), item)
                        hit = bool(got) and str(got[0]) == m.group(3)
                        if hit == (m.group(2) == "=="):
                            out.append(item)
            elif re.fullmatch(r"-?\d+", arg) and isinstance(v, list):
                n = int(arg)
                if -len(v) <= n < len(v):
                    out.append(v[n])
            elif arg[:1] in "'\"" and isinstance(v, dict):
                name = arg.strip("'\"")
                if name in v:
                    out.append(v[name])
        values = out
    return values


def _fmt(v) -> str:
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def jsonpath(template: str, data) -> str:
    template = template.strip()
    if len(template) > 1 and template[0] == template[-1] and template[0] in "'\"":
        template = template[1:-1]
    tokens = re.split(r"(\{[^{}]*\})", template)
    out: list[str] = []

    def run(toks: list[str], ctx) -> int:
        i = 0
        while i < len(toks):
            t = toks[i]
            i += 1
            if not (t.startswith("{") and t.endswith("}")):
                out.append(t)
                continue
            body = t[1:-1].strip()
            if body == "end":
                return i
            if body.startswith("range "):
                depth, j = 1, i
                while j < len(toks) and depth:
                    b = toks[j][1:-1].strip() if toks[j].startswith("{") else ""
                    depth += b.startswith("range ")
                    depth -= b == "end"
                    j += 1
                inner = toks[i:j]
                items = select(body[6:], ctx)
                for item in (items[0] if len(items) == 1 and isinstance(items[0], list) else items):
                    run(inner, item)
                i = j
            elif body[:1] in "'\"":
                out.append(body[1:-1].encode().decode("unicode_escape"))
            else:
                out.append(" ".join(_fmt(v) for v in select(body, ctx)))
        return i

    run(tokens, data)
    return "".join(out)


# ---------------------------------------------------------------- selecting objects

def listing(store: dict, kind: str, ns: str | None) -> list[dict]:
    if kind == "Node":
        return cluster_nodes(store)
    if kind == "Namespace":
        extra = [o for o in objects(store, "Namespace")]
        return [namespace_obj(n) for n in BUILTIN_NAMESPACES] + extra
    if kind == "Event":
        return [event_obj(e) for e in store["events"] if ns is None or e["ref"].split("/")[1] == ns]
    return sorted(objects(store, kind, ns), key=lambda o: o["metadata"]["name"])


def namespace_obj(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "status": {"phase": "Active"}}


def event_obj(e: dict) -> dict:
    kind, ns, name = e["ref"].split("/", 2)
    return {"kind": "Event", "metadata": {"name": f"{name}.{int(e['first'] * 1000):x}", "namespace": ns, "creationTimestamp": iso(e["first"])},
            "type": e["type"], "reason": e["reason"], "message": e["message"], "count": e["count"],
            "involvedObject": {"kind": kind, "name": name, "namespace": ns}}


def namespace(flags: dict) -> str | None:
    if flags.get("-A"):
        return None
    return flags.get("-n") or "default"


def targets(store: dict, pos: list[str], flags: dict, allow_empty_names: bool = True) -> tuple[list[tuple[str, str, str]], list[dict]]:
    """(kind, ns, name) asked for, and the objects found for a list request (kind with no names)."""
    ns = namespace(flags)
    wanted, found = [], []
    if not pos:
        die("error: you must specify the type of resource to get")
    if "/" in pos[0]:
        for p in pos:
            k, _, n = p.partition("/")
            kind = kind_of(k)
            wanted.append((kind, ns or "default", n))
        return wanted, found
    kinds = [kind_of(k) for k in pos[0].split(",")]
    names = pos[1:]
    for kind in kinds:
        if names:
            wanted += [(kind, ns or "default", n) for n in names]
        elif allow_empty_names:
            objs = listing(store, kind, ns if KINDS[kind][3] else None)
            sel = flags.get("-l")
            found += [o for o in objs if selector_matches(sel, o["metadata"].get("labels") or {}) and field_matches(flags.get("--field-selector"), o)]
    return wanted, found


def field_matches(selector: str | None, obj: dict) -> bool:
    if not selector:
        return True
    for part in selector.split(","):
        neg = "!=" in part
        k, v = re.split(r"!=|==|=", part, maxsplit=1)
        got = select("." + k.strip(), obj)
        have = str(got[0]) if got else ""
        if (have == v.strip()) == neg:
            return False
    return True


def not_found(kind: str, name: str) -> str:
    group = KINDS[kind][2].rpartition("/")[0]
    return f'Error from server (NotFound): {KINDS[kind][0]}{"." + group if group else ""} "{name}" not found'


# ---------------------------------------------------------------- output

def pod_status_word(pod: dict) -> tuple[str, str, int]:
    st = pod.get("status", {})
    statuses = st.get("containerStatuses", [])
    ready = sum(1 for s in statuses if s.get("ready"))
    restarts = sum(s.get("restartCount", 0) for s in statuses)
    word = st.get("phase", "Pending")
    for s in statuses:
        if "waiting" in s.get("state", {}):
            word = s["state"]["waiting"].get("reason", word)
            break
        if "terminated" in s.get("state", {}) and word != "Running":
            word = s["state"]["terminated"].get("reason", word)
    if word == "Succeeded":
        word = "Completed"
    return f"{ready}/{len(pod['spec'].get('containers', []))}", word, restarts


def table(kind: str, objs: list[dict], flags: dict) -> str:
    wide = flags.get("-o") == "wide"
    all_ns = bool(flags.get("-A"))
    rows: list[list[str]] = []
    if kind == "Pod":
        head = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (["IP", "NODE"] if wide else [])
        for p in objs:
            ready, word, restarts = pod_status_word(p)
            rows.append([p["metadata"]["name"], ready, word, str(restarts), age(p["metadata"])] +
                        ([p["status"].get("podIP", "<none>"), p["spec"].get("nodeName", "<none>")] if wide else []))
    elif kind == "Node":
        head = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"] + (["INTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"] if wide else [])
        for n in objs:
            info = n["status"]["nodeInfo"]
            ready = "Ready" if n["status"]["conditions"][0]["status"] == "True" else "NotReady"
            roles = "control-plane" if "node-role.kubernetes.io/control-plane" in n["metadata"]["labels"] else "<none>"
            ip = next(a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP")
            rows.append([n["metadata"]["name"], ready, roles, age(n["metadata"]), info["kubeletVersion"]] +
                        ([ip, info["osImage"], info["kernelVersion"], info["containerRuntimeVersion"]] if wide else []))
    elif kind == "DaemonSet":
        head = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        for d in objs:
            s = d.get("status", {})
            rows.append([d["metadata"]["name"], *(str(s.get(k, 0)) for k in ("desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable")), age(d["metadata"])])
    elif kind == "Deployment":
        head = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        for d in objs:
            s = d.get("status", {})
            rows.append([d["metadata"]["name"], f"{s.get('readyReplicas', 0)}/{d['spec'].get('replicas', 1)}", str(s.get("updatedReplicas", 0)), str(s.get("availableReplicas", 0)), age(d["metadata"])])
    elif kind == "Job":
        head = ["NAME", "STATUS", "COMPLETIONS", "AGE"]
        for j in objs:
            s = j.get("status", {})
            cond = next((c["type"] for c in s.get("conditions", [])), "Running")
            rows.append([j["metadata"]["name"], cond, f"{s.get('succeeded', 0)}/{j['spec'].get('completions', 1)}", age(j["metadata"])])
    elif kind == "RuntimeClass":
        head = ["NAME", "HANDLER", "AGE"]
        rows = [[r["metadata"]["name"], r.get("handler", ""), age(r["metadata"])] for r in objs]
    elif kind == "Event":
        head = ["TYPE", "REASON", "OBJECT", "MESSAGE"]
        rows = [[e["type"], e["reason"], f"{e['involvedObject']['kind'].lower()}/{e['involvedObject']['name']}", e["message"]] for e in objs]
    else:
        head = ["NAME", "AGE"]
        rows = [[o["metadata"]["name"], age(o["metadata"])] for o in objs]
    if all_ns and KINDS[kind][3]:
        head = ["NAMESPACE"] + head
        rows = [[o["metadata"].get("namespace", "")] + r for o, r in zip(objs, rows)]
    if not flags.get("--no-headers"):
        rows = [head] + rows
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))] if rows else []
    return "\n".join("   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def render(objs: list[dict], single: bool, flags: dict) -> str:
    fmt = flags.get("-o", "")
    clean = [public(o) for o in objs]
    doc = clean[0] if single and clean else {"apiVersion": "v1", "kind": "List", "items": clean, "metadata": {"resourceVersion": ""}}
    if fmt == "json":
        return json.dumps(doc, indent=4)
    if fmt == "yaml":
        import yaml
        return yaml.safe_dump(doc, sort_keys=False).rstrip("\n")
    if fmt == "name":
        return "\n".join(f"{type_name(o['kind'])}/{o['metadata']['name']}" for o in objs)
    if fmt.startswith("jsonpath"):
        return jsonpath(fmt.partition("=")[2], doc)
    if fmt.startswith("custom-columns"):
        die("error: the stand-in kubectl does not emulate -o custom-columns")
    return table(objs[0]["kind"], objs, flags) if objs else ""


# ---------------------------------------------------------------- commands

def cmd_get(pos: list[str], flags: dict) -> int:
    if "--raw" in flags:
        print("ok")
        return 0
    with world() as store:
        wanted, found = targets(store, pos, flags)
        if wanted:
            objs, code = [], 0
            for kind, ns, name in wanted:
                o = get_obj(store, kind, ns, name)
                if o is None:
                    if not flags.get("--ignore-not-found"):
                        sys.stderr.write(not_found(kind, name) + "\n")
                        code = 1
                else:
                    objs.append(o)
            text = render(objs, len(wanted) == 1, flags) if objs else ""
            if text:
                print(text)
            return code
        if not found and not flags.get("-o", "").startswith(("json", "yaml", "jsonpath")):
            where = "" if flags.get("-A") else f" in {namespace(flags)} namespace"
            sys.stderr.write(f"No resources found{where}.\n")
            return 0
        text = render(found, False, flags)
        if text:
            print(text)
    return 0


def load_docs(paths: list[str], store: dict, flags: dict) -> list[tuple[dict, str]]:
    import yaml
    docs = []
    for path in paths:
        files = [path]
        if os.path.isdir(path):
            files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith((".yaml", ".yml", ".json")))
        for f in files:
            try:
                text = sys.stdin.read() if f == "-" else open(f).read()
            except OSError:
                die(f'error: the path "{f}" does not exist')
            try:
                parsed = list(yaml.safe_load_all(text))
            except yaml.YAMLError as e:
                die(f'error: error parsing {f}: {e}')
            for d in parsed:
                if not d:
                    continue
                for item in d.get("items", []) if d.get("kind") == "List" else [d]:
                    docs.append((item, f))
    return docs


def write_object(store: dict, doc: dict, source: str, flags: dict, create_only: bool) -> tuple[str, str | None]:
    kind = doc.get("kind", "")
    if kind not in KINDS or kind in ("Node", "Event"):
        return "", f'error: resource mapping not found for name: "{doc.get("metadata", {}).get("name")}" namespace: "" from "{source}": no matches for kind "{kind}" in version "{doc.get("apiVersion")}"'
    meta = doc.get("metadata") or {}
    name = meta.get("name")
    if not name and meta.get("generateName"):
        if not create_only:
            return "", f'error: from {meta["generateName"]}: cannot use generate name with apply'
        name = meta["generateName"] + rand5()
        meta = {**meta, "name": name}
    if not name:
        return "", f'error: error when retrieving current configuration from "{source}": resource name may not be empty'
    ns = None
    if KINDS[kind][3]:
        ns = meta.get("namespace") or flags.get("-n") or "default"
        if ns not in BUILTIN_NAMESPACES and not get_obj(store, "Namespace", "", ns):
            return "", f'Error from server (NotFound): error when creating "{source}": namespaces "{ns}" not found'
    label = f"{type_name(kind)}/{name}"
    existing = store["objects"].get(key(kind, ns or "", name))
    body = {k: v for k, v in doc.items() if k not in ("metadata", "status", "apiVersion", "kind")}
    if existing is None:
        if kind == "Pod":
            problem = runtime_class_missing(store, doc.get("spec") or {})
            if problem:
                return "", f'Error from server (Forbidden): error when creating "{source}": pods "{name}" is forbidden: {problem}'
        obj = {"apiVersion": doc.get("apiVersion", KINDS[kind][2]), "kind": kind, "metadata": new_meta(meta, ns), **body}
        if kind == "Pod":
            obj["spec"].setdefault("restartPolicy", "Always")
            obj["status"] = {"phase": "Pending"}
        if kind == "Service":
            obj["spec"].setdefault("clusterIP", f"10.43.{len(objects(store, 'Service')) // 250}.{10 + len(objects(store, 'Service')) % 240}")
        store["objects"][key(kind, ns or "", name)] = obj
        return f"{label} created", None
    if create_only:
        return "", f'Error from server (AlreadyExists): error when creating "{source}": {KINDS[kind][0]} "{name}" already exists'
    old = {k: v for k, v in existing.items() if k not in ("metadata", "status", "apiVersion", "kind") and not k.startswith("_")}
    if kind == "Pod":
        old["spec"] = {k: v for k, v in old.get("spec", {}).items() if k != "nodeName"}
        body.setdefault("spec", {}).setdefault("restartPolicy", "Always")
    if kind == "Service":
        body.setdefault("spec", {}).setdefault("clusterIP", existing["spec"].get("clusterIP"))
    same = json.dumps(old, sort_keys=True) == json.dumps(body, sort_keys=True) and (meta.get("labels") or {}) == existing["metadata"].get("labels")
    if same:
        return f"{label} unchanged", None
    if kind == "Pod" and json.dumps(old.get("spec"), sort_keys=True) != json.dumps(body.get("spec"), sort_keys=True):
        return "", (f'The Pod "{name}" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,'
                    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
                    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")
    if kind == "Job" and json.dumps(old.get("spec", {}).get("template"), sort_keys=True) != json.dumps(body.get("spec", {}).get("template"), sort_keys=True):
        return "", f'The Job "{name}" is invalid: spec.template: Invalid value: ...: field is immutable'
    if json.dumps(old.get("spec"), sort_keys=True) != json.dumps(body.get("spec"), sort_keys=True):
        existing["metadata"]["generation"] = existing["metadata"].get("generation", 1) + 1
    for k in list(existing):
        if k not in ("metadata", "status", "apiVersion", "kind") and not k.startswith("_"):
            del existing[k]
    existing.update(body)
    existing["metadata"]["labels"] = dict(meta.get("labels") or {})
    return f"{label} configured", None


def cmd_apply(pos: list[str], flags: dict, create_only: bool = False) -> int:
    if not flags.get("-f"):
        die("error: must specify one of -f and -k")
    code = 0
    with world() as store:
        for doc, source in load_docs(flags["-f"], store, flags):
            line, error = write_object(store, doc, source, flags, create_only)
            if error:
                sys.stderr.write(error + "\n")
                code = 1
            else:
                print(line.split(" ")[0] if flags.get("-o") == "name" else line)
    return code


def cmd_create(pos: list[str], flags: dict) -> int:
    if flags.get("-f"):
        return cmd_apply(pos, flags, create_only=True)
    if not pos:
        die("error: must specify one of -f and -k")
    what = pos[0]
    dry = flags.get("--dry-run") not in (None, "none")
    if what in ("namespace", "ns") and len(pos) > 1:
        doc = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": pos[1]}}
    elif what in ("configmap", "cm") and len(pos) > 1:
        data = {}
        for spec in flags.get("--from-file", []):
            k, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
            paths = [os.path.join(path, f) for f in sorted(os.listdir(path))] if os.path.isdir(path) else [path]
            for p in paths:
                try:
                    data[k or os.path.basename(p)] = open(p).read()
                except OSError:
                    die(f"error: error reading {p}: no such file or directory")
        for spec in flags.get("--from-literal", []):
            k, _, v = spec.partition("=")
            data[k] = v
        doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": pos[1], "namespace": flags.get("-n") or "default"}, "data": data}
    else:
        die(f"error: the stand-in kubectl does not emulate 'create {what}'")
    if dry:
        print(render([doc], True, flags) if flags.get("-o") else f"{type_name(doc['kind'])}/{doc['metadata']['name']} created (dry run)")
        return 0
    with world() as store:
        line, error = write_object(store, doc, "STDIN", flags, True)
    if error:
        die(error)
    print(line)
    return 0


def delete_object(store: dict, obj: dict) -> None:
    kind = obj["kind"]
    if kind in ("DaemonSet", "Deployment", "Job"):
        for pod in owned_pods(store, obj):
            delete_pod(store, pod)
    if kind == "Pod":
        delete_pod(store, obj)
        return
    if kind == "Namespace":
        for k, o in list(store["objects"].items()):
            if o["metadata"].get("namespace") == obj["metadata"]["name"]:
                delete_object(store, o)
    store["objects"].pop(key(kind, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]), None)


def cmd_delete(pos: list[str], flags: dict) -> int:
    code = 0
    with world() as store:
        wanted: list[tuple[str, str, str]] = []
        found: list[dict] = []
        if flags.get("-f"):
            for doc, _ in load_docs(flags["-f"], store, flags):
                kind = doc.get("kind", "")
                if kind in KINDS:
                    ns = (doc.get("metadata") or {}).get("namespace") or flags.get("-n") or "default"
                    wanted.append((kind, ns, doc["metadata"]["name"]))
        else:
            if len(pos) == 1 and "/" not in pos[0] and not flags.get("-l") and not flags.get("--all"):
                die("error: resource(s) were provided, but no name was specified")
            wanted, found = targets(store, pos, flags)
        for kind, ns, name in wanted:
            o = get_obj(store, kind, ns, name)
            if o is None:
                if not flags.get("--ignore-not-found"):
                    sys.stderr.write(not_found(kind, name) + "\n")
                    code = 1
                continue
            found.append(o)
        for o in found:
            if o["kind"] == "Namespace" and o["metadata"]["name"] in BUILTIN_NAMESPACES:
                sys.stderr.write(f'Error from server (Forbidden): namespaces "{o["metadata"]["name"]}" is forbidden: this namespace may not be deleted\n')
                code = 1
                continue
            delete_object(store, o)
            print(f'{type_name(o["kind"])} "{o["metadata"]["name"]}" deleted')
        if any(o["kind"] == "Pod" for o in found):
            # The ReplicaSet and Job controllers and the kubelet react to a deleted pod at once on a
            # real node: the replacement is created, scheduled and (its images present) started now.
            reconcile(store)
    return code


def cmd_label(pos: list[str], flags: dict) -> int:
    with world() as store:
        if pos and "/" in pos[0]:
            refs, changes = [pos[0]], pos[1:]
            kind = kind_of(pos[0].split("/")[0])
            names = [pos[0].split("/", 1)[1]]
        else:
            kind = kind_of(pos[0]) if pos else die("error: resource(s) were provided, but no name was specified")
            rest = pos[1:]
            changes = [a for a in rest if "=" in a or a.endswith("-")]
            names = [a for a in rest if a not in changes]
            refs = names
        objs = listing(store, kind, namespace(flags)) if flags.get("--all") else [get_obj(store, kind, flags.get("-n") or "default", n) for n in names]
        if not refs and not flags.get("--all"):
            die("error: resource(s) were provided, but no name was specified")
        for o, n in zip(objs, names or [None] * len(objs)):
            if o is None:
                die(not_found(kind, n or ""))
            labels = store["nodeLabels"].setdefault(o["metadata"]["name"], {}) if kind == "Node" else o["metadata"].setdefault("labels", {})
            current = o["metadata"].get("labels") or {}
            for change in changes:
                if change.endswith("-") and "=" not in change:
                    labels[change[:-1]] = None if kind == "Node" else labels.pop(change[:-1], None)
                    continue
                k, _, v = change.partition("=")
                if current.get(k) not in (None, v) and not flags.get("--overwrite"):
                    die(f"error: '{k}' already has a value ({current[k]}), and --overwrite is false")
                labels[k] = v
            print(f"{type_name(kind)}/{o['metadata']['name']} labeled")
    return 0


def condition_met(obj: dict | None, cond: str) -> bool:
    if cond == "delete":
        return obj is None
    if obj is None:
        return False
    if cond.startswith("condition="):
        name, _, want = cond[len("condition="):].partition("=")
        want = want or "True"
        for c in obj.get("status", {}).get("conditions", []):
            if c["type"].lower() == name.lower():
                return c["status"].lower() == want.lower()
        return False
    if cond.startswith("jsonpath="):
        expr = cond[len("jsonpath="):]
        m = re.match(r"^(['\"]?\{.*\}['\"]?)(?:=(.*))?$", expr)
        if not m:
            die(f"error: unrecognized condition: \"{cond}\"")
        got = select(m.group(1).strip("'\"")[1:-1], public(obj))
        if m.group(2) is None:
            return bool(got) and got[0] not in ("", None)
        return bool(got) and _fmt(got[0]) == m.group(2).strip("'\"")
    die(f'error: unrecognized condition: "{cond}"')
    return False


def cmd_wait(pos: list[str], flags: dict) -> int:
    conds = flags.get("--for") or die("error: --for must be specified")
    timeout = seconds(flags.get("--timeout"), 30)
    deadline = time.time() + timeout
    refs: list[tuple[str, str, str]] = []
    with world() as store:
        wanted, found = targets(store, pos, flags)
        refs = wanted + [(o["kind"], o["metadata"].get("namespace", "default"), o["metadata"]["name"]) for o in found]
        if not refs:
            die("error: no matching resources found")
    pending = list(refs)
    while True:
        with world() as store:
            for ref in list(pending):
                obj = get_obj(store, *ref)
                if obj is None and "delete" not in conds:
                    die(not_found(ref[0], ref[2]))
                if all(condition_met(obj, c) for c in conds):
                    pending.remove(ref)
                    print(f"{type_name(ref[0])}/{ref[2]} condition met")
        if not pending:
            return 0
        if time.time() >= deadline:
            for kind, _, name in pending:
                sys.stderr.write(f"error: timed out waiting for the condition on {KINDS[kind][0]}/{name}\n")
            return 1
        time.sleep(0.05)


def cmd_rollout(pos: list[str], flags: dict) -> int:
    if not pos or pos[0] != "status" or len(pos) < 2:
        die("error: the stand-in kubectl emulates only 'rollout status'")
    ref = pos[1:]
    kind, name = (kind_of(ref[0].split("/")[0]), ref[0].split("/", 1)[1]) if "/" in ref[0] else (kind_of(ref[0]), ref[1])
    ns = flags.get("-n") or "default"
    deadline = time.time() + seconds(flags.get("--timeout"), 0) if flags.get("--timeout") else None
    said = None
    while True:
        with world() as store:
            obj = get_obj(store, kind, ns, name)
            if obj is None:
                die(not_found(kind, name))
            s = obj.get("status", {})
            if kind == "DaemonSet":
                want, avail = s.get("desiredNumberScheduled", 0), s.get("numberAvailable", 0)
                done = s.get("updatedNumberScheduled", 0) >= want and avail >= want
                msg = f'Waiting for daemon set "{name}" rollout to finish: {avail} of {want} updated pods are available...'
                ok = f'daemon set "{name}" successfully rolled out'
            elif kind == "Deployment":
                want, avail = int(obj["spec"].get("replicas", 1)), s.get("availableReplicas", 0)
                done = avail >= want
                msg = f'Waiting for deployment "{name}" rollout to finish: {avail} of {want} updated replicas are available...'
                ok = f'deployment "{name}" successfully rolled out'
            else:
                die(f"error: no status viewer has been implemented for {kind}")
        if done:
            print(ok)
            return 0
        if msg != said:
            print(msg, flush=True)
            said = msg
        if deadline is not None and time.time() >= deadline:
            die("error: timed out waiting for the condition")
        time.sleep(0.05)


def pods_for(store: dict, pos: list[str], flags: dict) -> list[dict]:
    ns = flags.get("-n") or "default"
    if flags.get("-l"):
        return [p for p in objects(store, "Pod", ns) if selector_matches(flags["-l"], p["metadata"].get("labels") or {})]
    if not pos:
        die("error: expected POD or TYPE/NAME is a required argument for the logs command")
    ref = pos[0]
    if "/" in ref:
        kind, name = kind_of(ref.split("/")[0]), ref.split("/", 1)[1]
    else:
        kind, name = "Pod", ref
    obj = get_obj(store, kind, ns, name)
    if obj is None:
        die(not_found(kind, name))
    if kind == "Pod":
        return [obj]
    pods = sorted(owned_pods(store, obj), key=lambda p: p["metadata"]["creationTimestamp"])
    if not pods:
        die(f"error: {type_name(kind)}/{name} has no pods")
    return pods[-1:]


def cmd_logs(pos: list[str], flags: dict) -> int:
    files: list[tuple[str, str]] = []
    with world() as store:
        for pod in pods_for(store, pos, flags):
            pname = pod["metadata"]["name"]
            names = [c["name"] for c in pod["spec"].get("containers", [])]
            if flags.get("-c"):
                if flags["-c"] not in names:
                    die(f'error: container {flags["-c"]} is not valid for pod {pname}')
                names = [flags["-c"]]
            elif len(names) > 1 and not flags.get("--all-containers") and not flags.get("-l"):
                die(f"error: a container name must be specified for pod {pname}, choose one of: [{' '.join(names)}]")
            sim = pod.get("_sim") or {}
            for name in names:
                run = (sim.get("runs") or {}).get(name)
                previous = (sim.get("previousLogs") or {}).get(name)
                if flags.get("-p"):
                    if not previous:
                        die(f'Error from server (BadRequest): previous terminated container "{name}" in pod "{pname}" not found')
                    files.append((previous, ""))
                elif run:
                    files.append((run["log"], run["exit"]))
                elif previous:
                    files.append((previous, ""))
                else:
                    reason = next((s["state"].get("waiting", {}).get("reason", "ContainerCreating") for s in pod["status"].get("containerStatuses", []) if s["name"] == name), "ContainerCreating")
                    die(f'Error from server (BadRequest): container "{name}" in pod "{pname}" is waiting to start: {reason}')
    # kubectl: --tail defaults to -1 (all lines), or 10 with a selector; an explicit -1 is all lines.
    given = flags.get("--tail")
    tail = (10 if flags.get("-l") else None) if given is None else (None if given == "-1" else int(given))
    for log, exit_file in files:
        try:
            with open(log, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        lines = text.splitlines(keepends=True)
        if tail is not None:
            lines = lines[-tail:] if tail else []
        sys.stdout.write("".join(lines))
        if flags.get("-F") and exit_file:
            offset = len(text.encode())
            while True:
                done = os.path.exists(exit_file)
                with open(log, "rb") as f:
                    f.seek(offset)
                    chunk = f.read()
                offset += len(chunk)
                sys.stdout.write(chunk.decode(errors="replace"))
                sys.stdout.flush()
                if done:
                    break
                time.sleep(0.1)
    return 0


def describe_events(store: dict, obj: dict) -> list[str]:
    ref = f"{obj['kind']}/{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"
    lines = ["Events:", "  Type     Reason     Count  Message"]
    evs = [e for e in store["events"] if e["ref"] == ref]
    lines += [f"  {e['type']:<8} {e['reason']:<10} {e['count']:<6} {e['message']}" for e in evs[-20:]] or ["  <none>"]
    return lines


def cmd_describe(pos: list[str], flags: dict) -> int:
    with world() as store:
        wanted, found = targets(store, pos, flags)
        objs = found + [o for o in (get_obj(store, *w) for w in wanted) if o is not None]
        if wanted and not objs:
            die(not_found(wanted[0][0], wanted[0][2]))
        out: list[str] = []
        for o in objs:
            meta = o["metadata"]
            out += [f"Name:         {meta['name']}"]
            if meta.get("namespace"):
                out += [f"Namespace:    {meta['namespace']}"]
            out += [f"Labels:       {', '.join(f'{k}={v}' for k, v in (meta.get('labels') or {}).items()) or '<none>'}"]
            st = o.get("status", {})
            if o["kind"] == "Pod":
                ready, word, restarts = pod_status_word(o)
                out += [f"Node:         {o['spec'].get('nodeName', '<none>')}", f"Status:       {st.get('phase')} ({word})",
                        f"Runtime Class Name: {o['spec'].get('runtimeClassName', '<none>')}", "Containers:"]
                for c in o["spec"].get("containers", []):
                    cs = next((s for s in st.get("containerStatuses", []) if s["name"] == c["name"]), {})
                    state = cs.get("state", {"waiting": {"reason": "ContainerCreating"}})
                    (sname, sval), = state.items()
                    out += [f"  {c['name']}:", f"    Image:          {c['image']}", f"    State:          {sname.capitalize()}"]
                    out += [f"      {k}: {v}" for k, v in sval.items()]
                    if cs.get("lastState"):
                        (lname, lval), = cs["lastState"].items()
                        out += [f"    Last State:     {lname.capitalize()}"] + [f"      {k}: {v}" for k, v in lval.items()]
                    out += [f"    Ready:          {cs.get('ready', False)}", f"    Restart Count:  {cs.get('restartCount', 0)}",
                            f"    Limits:         {json.dumps((c.get('resources') or {}).get('limits') or {})}"]
                out += ["Conditions:"] + [f"  {c['type']:<16} {c['status']}" + (f"  {c.get('message', '')}" if c.get("message") else "") for c in st.get("conditions", [])]
            elif o["kind"] == "Node":
                out += ["Conditions:"] + [f"  {c['type']}  {c['status']}  {c['reason']}  {c['message']}" for c in st["conditions"]]
                out += ["Capacity:"] + [f"  {k}: {v}" for k, v in st["capacity"].items()]
                out += ["Allocatable:"] + [f"  {k}: {v}" for k, v in st["allocatable"].items()]
                if o["spec"].get("taints"):
                    out += ["Taints:       " + ", ".join(f"{t['key']}:{t['effect']}" for t in o["spec"]["taints"])]
            else:
                out += [f"{k}: {v}" for k, v in st.items() if not isinstance(v, (dict, list))]
                tmpl = (o.get("spec") or {}).get("template", {}).get("spec", {})
                for c in tmpl.get("containers", []):
                    out += [f"  Container {c['name']}: image {c['image']}"]
            out += describe_events(store, o) + [""]
        print("\n".join(out).rstrip("\n"))
    return 0


def main(argv: list[str]) -> int:
    pos, flags = parse(argv, follow_flag=bool(argv) and argv[0] == "logs")
    if not pos:
        print("kubectl controls the Kubernetes cluster manager (stand-in).")
        return 0
    verb, rest = pos[0], pos[1:]
    state = k3s()
    if state and state.get("role") == "agent":
        # An agent has no kubeconfig (/etc/rancher/k3s/k3s.yaml is the server's): kubectl falls back to localhost:8080.
        die("The connection to the server localhost:8080 was refused - did you specify the right host or port?")
    version = state["version"] if state else "v0.0.0"
    if verb == "version":
        print(f"Client Version: {version}\nKustomize Version: v5.7.1")
        if "--client" not in flags:
            if not api_up():
                die(API_REFUSED)
            print(f"Server Version: {version}")
        return 0
    if verb == "create" and flags.get("--dry-run") not in (None, "none"):
        return cmd_create(rest, flags)
    if not api_up():
        die(API_REFUSED)
    commands = {"get": cmd_get, "apply": cmd_apply, "create": cmd_create, "delete": cmd_delete, "wait": cmd_wait,
                "rollout": cmd_rollout, "logs": cmd_logs, "describe": cmd_describe, "label": cmd_label}
    if verb == "cluster-info":
        print("Kubernetes control plane is running at https://127.0.0.1:6443")
        return 0
    if verb not in commands:
        die(f"error: the stand-in kubectl does not emulate '{verb}' (emulated: {', '.join(sorted(commands))}, version, cluster-info)")
    return commands[verb](rest, flags)

