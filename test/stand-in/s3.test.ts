import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clients, failure } from "./helpers.js";
import { startStandIn, type StandIn } from "../../stand-in/index.js";
import { decodeAwsChunked } from "../../stand-in/s3.js";

let standIn: StandIn;
let s3: S3Client;

beforeAll(async () => {
  standIn = await startStandIn();
  ({ s3 } = clients(standIn));
});
afterAll(async () => {
  s3.destroy();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

describe("stand-in S3", () => {
  it("creates buckets and puts, gets, heads and deletes objects", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "bench-results" }));
    await s3.send(new HeadBucketCommand({ Bucket: "bench-results" }));
    expect((await failure(s3.send(new CreateBucketCommand({ Bucket: "bench-results" })))).name).toBe("BucketAlreadyOwnedByYou");
    expect((await failure(s3.send(new HeadBucketCommand({ Bucket: "missing-bucket" })))).name).toBe("NotFound");

    const key = "runs/2026 11/report+1.md";
    await s3.send(
      new PutObjectCommand({
        Bucket: "bench-results",
        Key: key,
        Body: "# Evidence\n",
        ContentType: "text/markdown",
        Metadata: { run: "42" },
      }),
    );
    expect(standIn.getText("bench-results", key)).toBe("# Evidence\n");
    const got = await s3.send(new GetObjectCommand({ Bucket: "bench-results", Key: key }));
    expect(await got.Body!.transformToString()).toBe("# Evidence\n");
    expect(got.ContentType).toBe("text/markdown");
    expect(got.Metadata).toEqual({ run: "42" });
    expect((await s3.send(new HeadObjectCommand({ Bucket: "bench-results", Key: key }))).ContentLength).toBe(11);

    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: "bench-results", Key: "nope" })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(["NoSuchKey", 404]);
    expect((await failure(s3.send(new PutObjectCommand({ Bucket: "missing-bucket", Key: "k", Body: "x" })))).name).toBe("NoSuchBucket");

    await s3.send(new DeleteObjectCommand({ Bucket: "bench-results", Key: key }));
    expect(standIn.getObject("bench-results", key)).toBeUndefined();
  });

  it("lists with prefix, delimiter, max-keys, continuation and start-after", async () => {
    standIn.createBucket("listing");
    for (const key of ["a/1", "a/2", "b/1", "b/2/x", "c", "d", "e"]) standIn.putObject("listing", key, key);

    const all: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: "listing", MaxKeys: 2, ContinuationToken: token }));
      all.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(all).toEqual(["a/1", "a/2", "b/1", "b/2/x", "c", "d", "e"]);

    const tree = await s3.send(new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/" }));
    expect(tree.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/", "b/"]);
    expect(tree.Contents?.map((o) => o.Key)).toEqual(["c", "d", "e"]);
    expect(tree.KeyCount).toBe(5);

    const firstPage = await s3.send(new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/", MaxKeys: 1 }));
    expect(firstPage.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/"]);
    const secondPage = await s3.send(
      new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/", MaxKeys: 1, ContinuationToken: firstPage.NextContinuationToken }),
    );
    expect(secondPage.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/"]);

    const under = await s3.send(new ListObjectsV2Command({ Bucket: "listing", Prefix: "b/", Delimiter: "/" }));
    expect([under.Contents?.map((o) => o.Key), under.CommonPrefixes?.map((p) => p.Prefix)]).toEqual([["b/1"], ["b/2/"]]);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: "listing", StartAfter: "c" }));
    expect(after.Contents?.map((o) => o.Key)).toEqual(["d", "e"]);
    expect(standIn.listKeys("listing", "a/")).toEqual(["a/1", "a/2"]);
  });

  it("fails the next puts and gets when told to", async () => {
    standIn.createBucket("flaky");
    standIn.faults.failS3(1, "PutObject", "SlowDown");
    standIn.faults.failS3(1, "GetObject", "InternalError");
    const slow = await failure(s3.send(new PutObjectCommand({ Bucket: "flaky", Key: "k", Body: "x" })));
    expect([slow.name, slow.$metadata.httpStatusCode]).toEqual(["SlowDown", 503]);
    await s3.send(new PutObjectCommand({ Bucket: "flaky", Key: "k", Body: "x" }));
    const internal = await failure(s3.send(new GetObjectCommand({ Bucket: "flaky", Key: "k" })));
    expect([internal.name, internal.$metadata.httpStatusCode]).toEqual(["InternalError", 500]);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "flaky", Key: "k" }))).Body!.transformToString()).toBe("x");
  });

  it("takes the SDK's aws-chunked uploads (checksum trailers when WHEN_SUPPORTED)", async () => {
    standIn.createBucket("chunked");
    const env = standIn.staticCredentialsEnv();
    const eager = new S3Client({
      region: "us-west-2",
      endpoint: standIn.env.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      requestChecksumCalculation: "WHEN_SUPPORTED",
    });
    await eager.send(
      new PutObjectCommand({
        Bucket: "chunked",
        Key: "k",
        Body: Readable.from([Buffer.from("hello "), Buffer.from("world")]),
        ContentLength: 11,
      }),
    );
    eager.destroy();
    expect(standIn.getText("chunked", "k")).toBe("hello world");
  });

  it("decodes signed aws-chunked bodies", () => {
    const body = Buffer.from("5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n");
    expect(decodeAwsChunked(body).toString()).toBe("hello world");
  });
});
