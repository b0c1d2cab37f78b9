import { createHash } from "node:crypto";
import type { CredentialStore } from "./credentials.js";
import type { Faults } from "./faults.js";
import { header, type Handler, type Reply, type Request } from "./http.js";
import { newRequestId } from "./ids.js";
import { el, leaf, xmlDocument } from "./xml.js";

const NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

/** The buckets and objects, in memory. */
export class S3Store {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  createBucket(name: string): boolean {
    if (this.buckets.has(name)) return false;
    this.buckets.set(name, new Map());
    return true;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  put(
    bucket: string,
    key: string,
    body: Buffer | string,
    contentType = "binary/octet-stream",
    metadata: Record<string, string> = {},
  ): StoredObject {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`stand-in S3: no bucket ${bucket}`);
    const bytes = Buffer.from(body);
    const stored = {
      body: bytes,
      contentType,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: new Date(),
      metadata,
    };
    objects.set(key, stored);
    return stored;
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  delete(bucket: string, key: string): void {
    this.buckets.get(bucket)?.delete(key);
  }

  /** Keys under a prefix, in S3's (UTF-8 binary) order. */
  keys(bucket: string, prefix = ""): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].filter((k) => k.startsWith(prefix)).sort(compareKeys);
  }
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `aws-chunked` framing: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n[trailers]\r\n`. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function xmlReply(action: string, status: number, body: string, accessKeyId?: string): Reply {
  return { status, headers: { "content-type": "application/xml" }, body, action, accessKeyId };
}

function s3Error(action: string, status: number, code: string, message: string, resource: string, accessKeyId?: string): Reply {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${el("Error", leaf("Code", code), leaf("Message", message), leaf("Resource", resource), leaf("RequestId", newRequestId()))}`;
  return { ...xmlReply(action, status, body, accessKeyId), errorCode: code };
}

interface ListPosition {
  after: string;
  /** The listing stopped at a common prefix: skip every key under it. */
  prefix: boolean;
}

function listObjectsV2(store: S3Store, bucket: string, query: URLSearchParams): string {
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const maxKeys = Math.min(Number(query.get("max-keys") ?? 1000), 1000);
  const token = query.get("continuation-token") ?? undefined;
  const startAfter = query.get("start-after") ?? undefined;
  const from: ListPosition = token
    ? (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as ListPosition)
    : { after: startAfter ?? "", prefix: false };

  const contents: string[] = [];
  const commonPrefixes: string[] = [];
  let last: ListPosition | undefined;
  let truncated = false;
  for (const key of store.keys(bucket, prefix)) {
    if (compareKeys(key, from.after) <= 0 || (from.prefix && key.startsWith(from.after))) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && common === last?.after) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      commonPrefixes.push(el("CommonPrefixes", leaf("Prefix", common)));
      last = { after: common, prefix: true };
    } else {
      const object = store.get(bucket, key)!;
      contents.push(
        el(
          "Contents",
          leaf("Key", key),
          leaf("LastModified", object.lastModified),
          leaf("ETag", object.etag),
          leaf("Size", object.body.length),
          leaf("StorageClass", "STANDARD"),
        ),
      );
      last = { after: key, prefix: false };
    }
  }
  return xmlDocument(
    "ListBucketResult",
    NAMESPACE,
    leaf("Name", bucket),
    leaf("Prefix", prefix),
    leaf("Delimiter", delimiter || undefined),
    leaf("MaxKeys", maxKeys),
    leaf("KeyCount", contents.length + commonPrefixes.length),
    leaf("IsTruncated", truncated),
    leaf("ContinuationToken", token),
    leaf("NextContinuationToken", truncated && last ? Buffer.from(JSON.stringify(last)).toString("base64") : undefined),
    leaf("StartAfter", startAfter),
    ...contents,
    ...commonPrefixes,
  );
}

export function s3Handler(store: S3Store, credentials: CredentialStore, faults: Faults): Handler {
  return (req: Request): Reply => {
    const [bucket = "", ...keyParts] = req.url.pathname.slice(1).split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const subresources = [...req.url.searchParams.keys()].filter((k) => k !== "x-id");
    const action = operationName(req.method, key, subresources);
    const resource = `/${bucket}${key ? `/${key}` : ""}`;

    const auth = credentials.authenticate(req);
    if (!auth.ok) {
      const [status, code, message] = {
        missing: [403, "AccessDenied", "Access Denied"] as const,
        unknown: [403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."] as const,
        expired: [400, "ExpiredToken", "The provided token has expired."] as const,
      }[auth.reason];
      return s3Error(action, status, code, message, resource, auth.accessKeyId);
    }
    const { accessKeyId } = auth;
    const failWith = (status: number, code: string, message: string) => s3Error(action, status, code, message, resource, accessKeyId);

    if (action === "PutObject" || action === "GetObject") {
      const code = faults.takeS3(action);
      if (code === "InternalError") return failWith(500, code, "We encountered an internal error. Please try again.");
      if (code === "SlowDown") return failWith(503, code, "Please reduce your request rate.");
    }
    if (action === "CreateBucket") {
      if (!BUCKET_NAME.test(bucket)) return failWith(400, "InvalidBucketName", "The specified bucket is not valid.");
      if (!store.createBucket(bucket)) {
        return failWith(
          409,
          "BucketAlreadyOwnedByYou",
          "Your previous request to create the named bucket succeeded and you already own it.",
        );
      }
      return { status: 200, headers: { location: `/${bucket}` }, body: "", action, accessKeyId };
    }
    if (!store.hasBucket(bucket)) return failWith(404, "NoSuchBucket", "The specified bucket does not exist");

    switch (action) {
      case "HeadBucket":
        return { status: 200, headers: { "x-amz-bucket-region": "us-west-2" }, body: "", action, accessKeyId };
      case "ListObjectsV2":
        return xmlReply(action, 200, listObjectsV2(store, bucket, req.url.searchParams), accessKeyId);
      case "PutObject": {
        const chunked =
          /aws-chunked/.test(header(req, "content-encoding") ?? "") || (header(req, "x-amz-content-sha256") ?? "").startsWith("STREAMING-");
        const metadata = Object.fromEntries(
          Object.entries(req.headers)
            .filter(([name]) => name.startsWith("x-amz-meta-"))
            .map(([name, value]) => [name.slice("x-amz-meta-".length), String(value)]),
        );
        const stored = store.put(bucket, key, chunked ? decodeAwsChunked(req.body) : req.body, header(req, "content-type"), metadata);
        return { status: 200, headers: { etag: stored.etag }, body: "", action, accessKeyId };
      }
      case "GetObject":
      case "HeadObject": {
        const object = store.get(bucket, key);
        if (!object) return failWith(404, "NoSuchKey", "The specified key does not exist.");
        const headers: Record<string, string> = {
          "content-type": object.contentType,
          "content-length": String(object.body.length),
          etag: object.etag,
          "last-modified": object.lastModified.toUTCString(),
          "accept-ranges": "bytes",
        };
        for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
        return { status: 200, headers, body: object.body, action, accessKeyId };
      }
      case "DeleteObject":
        store.delete(bucket, key);
        return { status: 204, body: "", action, accessKeyId };
      default:
        return failWith(501, "NotImplemented", `The stand-in does not implement ${req.method} ${resource}?${subresources.join("&")}`);
    }
  };
}

function operationName(method: string, key: string, subresources: string[]): string {
  if (!key) {
    if (method === "PUT" && subresources.length === 0) return "CreateBucket";
    if (method === "HEAD" && subresources.length === 0) return "HeadBucket";
    if (method === "GET" && subresources.includes("list-type")) return "ListObjectsV2";
    return `${method} bucket`;
  }
  if (subresources.length > 0) return `${method} object?${subresources.join("&")}`;
  return { PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject", DELETE: "DeleteObject" }[method] ?? `${method} object`;
}
