import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { awsError } from "../../support/fakes.js";

/**
 * An S3Client whose bucket is a Map: PutObject, GetObject and paged ListObjectsV2 behave as S3 does
 * for the calls src/cloud/s3.ts makes. `failOn` makes one operation throw, to test the paths
 * where the archive or the history is unreachable.
 */
export interface FakeS3 {
  s3: S3Client;
  objects: Map<string, string>;
  puts: string[];
  failOn: Partial<Record<"put" | "get" | "list", Error>>;
  restore(): void;
}

export function fakeS3(bucket = "evidence-bucket", pageSize = 1000): FakeS3 {
  const s3 = new S3Client({ region: "us-west-2", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const mock = mockClient(s3);
  const fake: FakeS3 = { s3, objects: new Map(), puts: [], failOn: {}, restore: () => mock.restore() };
  const checkBucket = (name: string | undefined) => {
    if (name !== bucket) throw awsError("NoSuchBucket", `The specified bucket ${name} does not exist`);
  };
  mock.on(PutObjectCommand).callsFake((input: { Bucket?: string; Key?: string; Body?: unknown }) => {
    if (fake.failOn.put) throw fake.failOn.put;
    checkBucket(input.Bucket);
    fake.objects.set(input.Key!, String(input.Body));
    fake.puts.push(input.Key!);
    return {};
  });
  mock.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    if (fake.failOn.get) throw fake.failOn.get;
    checkBucket(input.Bucket);
    const text = fake.objects.get(input.Key!);
    if (text === undefined) throw awsError("NoSuchKey", "The specified key does not exist.");
    const body = { transformToString: async () => text } as unknown as GetObjectCommandOutput["Body"];
    return { Body: body };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Bucket?: string; Prefix?: string; ContinuationToken?: string }) => {
    if (fake.failOn.list) throw fake.failOn.list;
    checkBucket(input.Bucket);
    const keys = [...fake.objects.keys()].filter((k) => k.startsWith(input.Prefix ?? "")).sort();
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = keys.slice(start, start + pageSize);
    const more = start + pageSize < keys.length;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: more,
      NextContinuationToken: more ? String(start + pageSize) : undefined,
    };
  });
  return fake;
}
