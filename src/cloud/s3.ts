import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { awsErrorCode } from "./retry.js";

export interface S3Location {
  bucket: string;
  key: string;
}

export function s3Uri(loc: S3Location): string {
  return `s3://${loc.bucket}/${loc.key}`;
}

export function joinKey(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ""))
    .filter((p) => p.length > 0)
    .join("/");
}

export async function putText(s3: S3Client, loc: S3Location, body: string, contentType = "text/plain; charset=utf-8"): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: loc.bucket, Key: loc.key, Body: body, ContentType: contentType }));
}

/** The object's text, or undefined when there is no such key. */
export async function getText(s3: S3Client, loc: S3Location): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
    return (await out.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchKey") return undefined;
    throw error;
  }
}

/** Every key under a prefix, following continuation tokens. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
