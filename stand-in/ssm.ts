import type { Catalog } from "./catalog.js";
import type { CredentialStore } from "./credentials.js";
import type { Faults } from "./faults.js";
import { header, JsonServiceError as SsmError, jsonServiceReply, type Handler } from "./http.js";
import { ACCOUNT_ID, newCommandId } from "./ids.js";
import type { Instance } from "./instance.js";
import type { Invocation, InvocationRequest } from "./invocation.js";

/** GetCommandInvocation returns at most this much of each stream; the rest is only in S3. */
export const STDOUT_LIMIT = 24_000;
export const STDERR_LIMIT = 8_000;
/** ListCommandInvocations' plugin Output is shorter still. */
const LIST_OUTPUT_LIMIT = 2_500;
const PLUGIN = "aws:runShellScript";

/** A parameter PutParameter stored (the catalog's public AMI parameters are apart). */
export interface StoredParameter {
  name: string;
  type: "String" | "SecureString";
  value: string;
  /** The KMS key a SecureString is encrypted under ("alias/aws/ssm" when none was given). */
  keyId?: string;
  tags: Record<string, string>;
  version: number;
  lastModified: Date;
}

export interface SsmOptions {
  instances: Map<string, Instance>;
  /** Parameters PutParameter stored, by name. */
  parameters: Map<string, StoredParameter>;
  /**
   * Whether the caller (its access key) may decrypt a SecureString under `keyId`: a customer-managed
   * key's policy names who may (the instance role); the default aws/ssm key lets anyone in the account.
   */
  mayDecrypt(accessKeyId: string | undefined, keyId: string): boolean;
  invocations: Invocation[];
  send(commandId: string, instance: Instance, request: InvocationRequest): Invocation;
  catalog: Catalog;
  credentials: CredentialStore;
  faults: Faults;
  region: string;
}

type Json = Record<string, unknown>;

/** JSON 1.1 timestamps are epoch seconds. */
const epoch = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : []);

function elapsed(invocation: Invocation): string {
  if (!invocation.startedAt) return "";
  const end = invocation.endedAt ?? new Date();
  return `PT${((end.getTime() - invocation.startedAt.getTime()) / 1000).toFixed(3)}S`;
}

export function ssmHandler(options: SsmOptions): Handler {
  const { instances, invocations, catalog, credentials, faults, region } = options;

  const visible = (i: Invocation) => i.visibleAt <= Date.now();

  const NAME = /^\/?[A-Za-z0-9_.\-/]{1,2047}$/;

  function putParameter(input: Json): Json {
    const name = String(input.Name ?? "");
    if (!NAME.test(name)) throw new SsmError("ValidationException", `Parameter name ${name} is not valid.`);
    const type = String(input.Type ?? "String");
    if (type !== "String" && type !== "SecureString")
      throw new SsmError("ValidationException", `Type ${type} is not supported by the stand-in.`);
    const value = String(input.Value ?? "");
    if (value.length === 0 || value.length > 4096) throw new SsmError("ValidationException", "Value must be 1 to 4096 characters.");
    const existing = options.parameters.get(name);
    if (existing && input.Overwrite !== true)
      throw new SsmError(
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
      );
    if (existing && input.Tags) throw new SsmError("ValidationException", "Tags can't be specified when Overwrite is true.");
    const tags = Object.fromEntries(((input.Tags as Array<{ Key: string; Value: string }> | undefined) ?? []).map((t) => [t.Key, t.Value]));
    const version = (existing?.version ?? 0) + 1;
    options.parameters.set(name, {
      name,
      type,
      value,
      keyId: type === "SecureString" ? String(input.KeyId ?? "alias/aws/ssm") : undefined,
      tags: existing?.tags ?? tags,
      version,
      lastModified: new Date(),
    });
    return { Version: version, Tier: "Standard" };
  }

  function deleteParameter(input: Json): Json {
    const name = String(input.Name ?? "");
    if (!options.parameters.delete(name)) throw new SsmError("ParameterNotFound", "");
    return {};
  }

  function describeParameters(input: Json): Json {
    const filters = (input.ParameterFilters as Array<{ Key: string; Option?: string; Values?: string[] }> | undefined) ?? [];
    const matches = (p: StoredParameter) =>
      filters.every((f) => {
        const values = f.Values ?? [];
        if (f.Key === "Path") {
          const path = values[0] ?? "/";
          const prefix = path.endsWith("/") ? path : `${path}/`;
          return p.name.startsWith(prefix) && (f.Option === "Recursive" || !p.name.slice(prefix.length).includes("/"));
        }
        if (f.Key === "Name") return values.some((v) => (f.Option === "BeginsWith" ? p.name.startsWith(v) : p.name === v));
        if (f.Key === "Type") return values.includes(p.type);
        if (f.Key.startsWith("tag:")) {
          const v = p.tags[f.Key.slice(4)];
          return v !== undefined && (values.length === 0 || values.includes(v));
        }
        throw new SsmError("InvalidFilterKey", `The stand-in does not filter parameters by ${f.Key}`);
      });
    const all = [...options.parameters.values()].filter(matches).sort((a, b) => a.name.localeCompare(b.name));
    const max = Number(input.MaxResults ?? 50);
    const start = Number(input.NextToken ?? 0);
    const page = all.slice(start, start + max);
    return {
      Parameters: page.map((p) => ({
        Name: p.name,
        ARN: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${p.name.startsWith("/") ? "" : "/"}${p.name}`,
        Type: p.type,
        KeyId: p.keyId,
        LastModifiedDate: epoch(p.lastModified),
        Version: p.version,
        Tier: "Standard",
        DataType: "text",
      })),
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  function listTagsForResource(input: Json): Json {
    if (input.ResourceType !== "Parameter") throw new SsmError("InvalidResourceType", "");
    const p = options.parameters.get(String(input.ResourceId ?? ""));
    if (!p) throw new SsmError("InvalidResourceId", "");
    return { TagList: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  function getParameter(input: Json, accessKeyId?: string): Json {
    const name = String(input.Name ?? "");
    const stored = options.parameters.get(name);
    if (stored) {
      const decrypt = stored.type === "SecureString" && input.WithDecryption === true;
      if (decrypt && !options.mayDecrypt(accessKeyId, stored.keyId!)) {
        throw new SsmError(
          "AccessDeniedException",
          `User is not authorized to perform: kms:Decrypt on the key ${stored.keyId} because no resource-based policy allows the kms:Decrypt action`,
        );
      }
      return {
        Parameter: {
          Name: name,
          Type: stored.type,
          // Without decryption a SecureString comes back as its ciphertext, never the value.
          Value:
            stored.type === "SecureString" && !decrypt
              ? Buffer.from(`kms:${stored.keyId}:${stored.version}`).toString("base64")
              : stored.value,
          Version: stored.version,
          LastModifiedDate: epoch(stored.lastModified),
          ARN: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${name.startsWith("/") ? "" : "/"}${name}`,
          DataType: "text",
        },
      };
    }
    const value = catalog.parameter(name);
    if (!value) throw new SsmError("ParameterNotFound", `Parameter ${name} not found.`);
    return {
      Parameter: {
        Name: name,
        Type: "String",
        Value: value,
        Version: 1,
        LastModifiedDate: epoch(new Date("2026-01-15T00:00:00Z")),
        ARN: `arn:aws:ssm:${region}::parameter${name}`,
        DataType: "aws:ec2:image",
      },
    };
  }

  function describeInstanceInformation(input: Json): Json {
    const filters = [
      ...((input.Filters as Array<{ Key: string; Values: string[] }> | undefined) ?? []).map((f) => ({ key: f.Key, values: f.Values })),
      ...((input.InstanceInformationFilterList as Array<{ key: string; valueSet: string[] }> | undefined) ?? []).map((f) => ({
        key: f.key,
        values: f.valueSet,
      })),
    ];
    let wanted: string[] | undefined;
    for (const filter of filters) {
      if (filter.key !== "InstanceIds")
        throw new SsmError("InvalidFilterKey", `The stand-in filters instance information by InstanceIds only, not ${filter.key}`);
      wanted = filter.values;
    }
    const list = [...instances.values()]
      .filter((i) => i.agentOnlineAt && i.state !== "terminated" && (!wanted || wanted.includes(i.id)))
      .map((i) => ({
        InstanceId: i.id,
        PingStatus: i.agentOnline ? "Online" : "ConnectionLost",
        LastPingDateTime: epoch(i.agentOnline ? new Date() : (i.agentLostAt ?? i.agentOnlineAt)),
        AgentVersion: "3.3.1142.0",
        IsLatestVersion: false,
        PlatformType: "Linux",
        PlatformName: "Ubuntu",
        PlatformVersion: "22.04",
        ResourceType: "EC2Instance",
        IPAddress: i.privateIp,
        ComputerName: `ip-${i.privateIp.replace(/\./g, "-")}.${region}.compute.internal`,
      }));
    return { InstanceInformationList: list };
  }

  function sendCommand(input: Json): Json {
    const documentName = String(input.DocumentName ?? "");
    if (documentName !== "AWS-RunShellScript") throw new SsmError("InvalidDocument", `Document with name ${documentName} does not exist.`);
    const ids = strings(input.InstanceIds);
    if (ids.length === 0)
      throw new SsmError("ValidationException", "The stand-in's SendCommand needs InstanceIds (Targets are not supported)");
    const parameters = (input.Parameters ?? {}) as Record<string, unknown>;
    const commands = strings(parameters.commands);
    if (commands.length === 0) throw new SsmError("InvalidParameters", 'Parameter "commands" is required.');
    const executionTimeout = Number(strings(parameters.executionTimeout)[0] ?? "3600");
    if (!Number.isInteger(executionTimeout) || executionTimeout < 1 || executionTimeout > 172800) {
      throw new SsmError("InvalidParameters", `Parameter "executionTimeout" "${executionTimeout}" is not between 1 and 172800.`);
    }
    // The service refuses instances whose agent never registered, or that are no longer running; to
    // a registered agent that lost its connection (a reboot) the command waits, Pending.
    const offline = ids.filter((id) => {
      const i = instances.get(id);
      return !i || i.state !== "running" || !i.agentRegistered;
    });
    if (offline.length > 0)
      throw new SsmError("InvalidInstanceId", `Instances [[${offline.join(", ")}]] not in a valid state for account ${ACCOUNT_ID}`);

    const commandId = newCommandId();
    const request: InvocationRequest = {
      documentName,
      script: commands.join("\n"),
      executionTimeoutSeconds: executionTimeout,
      timeoutSeconds: input.TimeoutSeconds === undefined ? undefined : Number(input.TimeoutSeconds),
      comment: input.Comment === undefined ? undefined : String(input.Comment),
      outputBucket: input.OutputS3BucketName === undefined ? undefined : String(input.OutputS3BucketName),
      outputPrefix: input.OutputS3KeyPrefix === undefined ? undefined : String(input.OutputS3KeyPrefix),
    };
    const sent = ids.map((id) => options.send(commandId, instances.get(id)!, request));
    const requestedAt = sent[0]!.requestedAt;
    return {
      Command: {
        CommandId: commandId,
        DocumentName: documentName,
        DocumentVersion: "$DEFAULT",
        Comment: request.comment ?? "",
        ExpiresAfter: epoch(new Date(requestedAt.getTime() + ((request.timeoutSeconds ?? 3600) + executionTimeout) * 1000)),
        Parameters: parameters,
        InstanceIds: ids,
        Targets: [],
        RequestedDateTime: epoch(requestedAt),
        Status: "Pending",
        StatusDetails: "Pending",
        OutputS3Region: region,
        OutputS3BucketName: request.outputBucket ?? "",
        OutputS3KeyPrefix: request.outputPrefix ?? "",
        MaxConcurrency: "50",
        MaxErrors: "0",
        TargetCount: ids.length,
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        ServiceRole: "",
        CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
        TimeoutSeconds: request.timeoutSeconds ?? 3600,
      },
    };
  }

  function getCommandInvocation(input: Json): Json {
    if (input.PluginName !== undefined && input.PluginName !== PLUGIN)
      throw new SsmError("InvalidPluginName", "The plugin name is not valid.");
    const invocation = invocations.find((i) => i.commandId === input.CommandId && i.instance.id === input.InstanceId && visible(i));
    if (!invocation) throw new SsmError("InvocationDoesNotExist", "");
    return {
      CommandId: invocation.commandId,
      InstanceId: invocation.instance.id,
      Comment: invocation.request.comment ?? "",
      DocumentName: invocation.request.documentName,
      DocumentVersion: "$DEFAULT",
      PluginName: PLUGIN,
      ResponseCode: invocation.responseCode,
      ExecutionStartDateTime: invocation.startedAt?.toISOString() ?? "",
      ExecutionElapsedTime: elapsed(invocation),
      ExecutionEndDateTime: invocation.endedAt?.toISOString() ?? "",
      Status: invocation.status,
      StatusDetails: invocation.statusDetails,
      StandardOutputContent: invocation.stdout.slice(0, STDOUT_LIMIT),
      StandardOutputUrl: invocation.outputUrl("stdout"),
      StandardErrorContent: invocation.stderr.slice(0, STDERR_LIMIT),
      StandardErrorUrl: invocation.outputUrl("stderr"),
      CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
    };
  }

  function cancelCommand(input: Json): Json {
    const ids = strings(input.InstanceIds);
    const matching = invocations.filter((i) => i.commandId === input.CommandId && (ids.length === 0 || ids.includes(i.instance.id)));
    if (matching.length === 0) throw new SsmError("InvalidCommandId", "");
    for (const invocation of matching) invocation.cancel();
    return {};
  }

  function listCommandInvocations(input: Json): Json {
    const matching = invocations.filter(
      (i) =>
        visible(i) &&
        (input.CommandId === undefined || i.commandId === input.CommandId) &&
        (input.InstanceId === undefined || i.instance.id === input.InstanceId),
    );
    return {
      CommandInvocations: matching.map((i) => ({
        CommandId: i.commandId,
        InstanceId: i.instance.id,
        InstanceName: "",
        Comment: i.request.comment ?? "",
        DocumentName: i.request.documentName,
        DocumentVersion: "$DEFAULT",
        RequestedDateTime: epoch(i.requestedAt),
        Status: i.status,
        StatusDetails: i.statusDetails,
        StandardOutputUrl: i.outputUrl("stdout"),
        StandardErrorUrl: i.outputUrl("stderr"),
        CommandPlugins:
          input.Details === true
            ? [
                {
                  Name: PLUGIN,
                  Status: i.status,
                  StatusDetails: i.statusDetails,
                  ResponseCode: i.responseCode,
                  ResponseStartDateTime: epoch(i.startedAt),
                  ResponseFinishDateTime: epoch(i.endedAt),
                  Output: i.stdout.slice(0, LIST_OUTPUT_LIMIT),
                  StandardOutputUrl: i.outputUrl("stdout"),
                  StandardErrorUrl: i.outputUrl("stderr"),
                  OutputS3Region: region,
                  OutputS3BucketName: i.request.outputBucket ?? "",
                  OutputS3KeyPrefix: i.request.outputPrefix ?? "",
                },
              ]
            : [],
      })),
    };
  }

  const operations: Record<string, (input: Json, accessKeyId?: string) => Json> = {
    GetParameter: getParameter,
    PutParameter: putParameter,
    DeleteParameter: deleteParameter,
    DescribeParameters: describeParameters,
    ListTagsForResource: listTagsForResource,
    DescribeInstanceInformation: describeInstanceInformation,
    SendCommand: sendCommand,
    GetCommandInvocation: getCommandInvocation,
    CancelCommand: cancelCommand,
    ListCommandInvocations: listCommandInvocations,
  };

  return (req) => {
    const action = (header(req, "x-amz-target") ?? "").replace(/^AmazonSSM\./, "") || "unknown";
    return jsonServiceReply({
      action,
      auth: credentials.authenticate(req),
      messageKey: "message",
      serve: (accessKeyId) => {
        if (faults.takeThrottle("ssm", action)) throw new SsmError("ThrottlingException", "Rate exceeded");
        const operation = operations[action];
        if (!operation) throw new SsmError("UnknownOperationException", "");
        return operation(JSON.parse(req.body.toString("utf8") || "{}") as Json, accessKeyId);
      },
    });
  };
}
