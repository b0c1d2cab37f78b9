import type { Catalog } from "./catalog.js";
import { AMI_ID, SUBNET_ID } from "./catalog.js";
import type { CredentialStore } from "./credentials.js";
import type { CapacityErrorCode, Faults, Market } from "./faults.js";
import { header, type Handler, type Reply } from "./http.js";
import { ACCOUNT_ID, newRequestId, newReservationId, stableHash, stableHex } from "./ids.js";
import { STATE_CODES, type BlockDeviceMapping, type Instance, type LaunchSpec, type NetworkInterfaceSpec } from "./instance.js";
import { spotPriceUsd, STAND_IN_ON_DEMAND_USD } from "./prices.js";
import { QueryParams } from "./query.js";
import { el, leaf, list, xmlDocument } from "./xml.js";

const NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
/** RunInstances refuses user data above 16 KB (before base64). */
const USER_DATA_LIMIT = 16384;

export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A placement group as EC2 keeps it (CreatePlacementGroup). */
export interface PlacementGroup {
  name: string;
  groupId: string;
  strategy: "cluster" | "spread" | "partition";
  state: "available" | "deleted";
  tags: Record<string, string>;
}

export interface Ec2Options {
  instances: Map<string, Instance>;
  /** By name; a deleted group stays with state "deleted". */
  placementGroups: Map<string, PlacementGroup>;
  launch(reservationId: string, spec: LaunchSpec): Instance;
  catalog: Catalog;
  credentials: CredentialStore;
  faults: Faults;
  region: string;
  /** Instance profiles that exist; any name when absent. */
  instanceProfiles?: string[];
}

interface Reservation {
  id: string;
  instanceIds: string[];
  /** The request without its ClientToken: a retry with the same token must match it. */
  fingerprint: string;
}

function capacityError(code: CapacityErrorCode, instanceType: string, az: string, subnetId: string, region: string): Ec2Error {
  const others = [..."abcd"]
    .map((l) => `${region}${l}`)
    .filter((z) => z !== az)
    .join(", ");
  switch (code) {
    // EC2 lists the capacity shortages among its server errors: HTTP 500, which SDKs retry.
    case "InsufficientInstanceCapacity":
      return new Ec2Error(
        code,
        `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${az}). Our system will be working on provisioning additional capacity. You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request or choosing ${others}.`,
        500,
      );
    case "InsufficientCapacity":
      return new Ec2Error(code, "Insufficient capacity.", 500);
    case "Unsupported":
      return new Ec2Error(
        code,
        `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${az}). Please retry your request by not specifying an Availability Zone or choosing ${others}.`,
      );
    case "InstanceLimitExceeded":
      return new Ec2Error(
        code,
        "You have requested more instances (1) than your current instance limit of 0 allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
      );
    case "VcpuLimitExceeded":
      return new Ec2Error(
        code,
        "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
      );
    case "MaxSpotInstanceCountExceeded":
      return new Ec2Error(code, "Max spot instance count exceeded");
    case "SpotMaxPriceTooLow":
      return new Ec2Error(code, "Your Spot request price is lower than the minimum required Spot request fulfillment price.");
    case "InsufficientFreeAddressesInSubnet":
      return new Ec2Error(
        code,
        `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`,
      );
  }
}

function checkInstanceIds(ids: string[]): void {
  const malformed = ids.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw new Ec2Error("InvalidInstanceID.Malformed", `Invalid id: "${malformed}"`);
}

function notFound(ids: string[]): Ec2Error {
  return ids.length === 1
    ? new Ec2Error("InvalidInstanceID.NotFound", `The instance ID '${ids[0]}' does not exist`)
    : new Ec2Error("InvalidInstanceID.NotFound", `The instance IDs '${ids.join(", ")}' do not exist`);
}

function tagsOf(params: QueryParams, prefix: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of params.structs(prefix)) {
    const key = tag.get("Key") ?? "";
    if (!key || key.length > 128) throw new Ec2Error("InvalidParameterValue", `Tag key '${key}' must be 1 to 128 characters`);
    if (key.toLowerCase().startsWith("aws:"))
      throw new Ec2Error("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
    tags[key] = tag.get("Value") ?? "";
  }
  return tags;
}

/** EC2 filter values may use * and ? wildcards. */
function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const FILTERS: Record<string, (i: Instance) => string[]> = {
  "instance-id": (i) => [i.id],
  "instance-type": (i) => [i.spec.instanceType],
  "instance-state-name": (i) => [i.state],
  "instance-state-code": (i) => [String(STATE_CODES[i.state])],
  "availability-zone": (i) => [i.spec.az],
  "subnet-id": (i) => [i.spec.subnetId],
  "image-id": (i) => [i.spec.imageId],
  "client-token": (i) => (i.spec.clientToken ? [i.spec.clientToken] : []),
  "instance-lifecycle": (i) => (i.spec.market === "spot" ? ["spot"] : []),
  "tag-key": (i) => [...i.tags.keys()],
  "tag-value": (i) => [...i.tags.values()],
};

function filterOf(name: string): (i: Instance) => string[] {
  if (name.startsWith("tag:")) {
    const key = name.slice(4);
    return (i) => (i.tags.has(key) ? [i.tags.get(key)!] : []);
  }
  const filter = FILTERS[name];
  if (!filter) throw new Ec2Error("InvalidParameterValue", `The filter '${name}' is invalid`);
  return filter;
}

function stateXml(name: string, instance: Instance): string {
  return el(name, leaf("code", STATE_CODES[instance.state]), leaf("name", instance.state));
}

function tagSet(tags: Iterable<[string, string]>): string {
  const items = [...tags].map(([key, value]) => leaf("key", key) + leaf("value", value));
  return items.length > 0 ? list("tagSet", items) : "";
}

export function ec2Handler(options: Ec2Options): Handler {
  const { instances, placementGroups, catalog, credentials, faults, region } = options;
  const reservations = new Map<string, Reservation>();
  /** The calling program's app id (AWS_SDK_UA_APP_ID, `app/<id>` in the User-Agent), as CloudTrail keeps the user agent. */
  let caller: string | undefined;

  function instanceXml(i: Instance, index: number): string {
    const { spec } = i;
    const vpcId = `vpc-${stableHex(spec.subnetId, 17)}`;
    const groups = spec.securityGroupIds.map((id) => leaf("groupId", id) + leaf("groupName", `group-${id}`));
    const root = el(
      "item",
      leaf("deviceName", spec.rootDeviceName),
      el(
        "ebs",
        leaf("volumeId", i.volumeId),
        leaf("status", "attached"),
        leaf("attachTime", i.launchedAt),
        leaf("deleteOnTermination", true),
      ),
    );
    return (
      leaf("instanceId", i.id) +
      leaf("imageId", spec.imageId) +
      stateXml("instanceState", i) +
      leaf("privateDnsName", `ip-${i.privateIp.replace(/\./g, "-")}.${region}.compute.internal`) +
      leaf("dnsName", "") +
      leaf("reason", i.stateTransitionReason) +
      leaf("amiLaunchIndex", index) +
      leaf("instanceType", spec.instanceType) +
      leaf("launchTime", i.launchedAt) +
      el("placement", leaf("availabilityZone", spec.az), leaf("groupName", spec.placementGroup ?? ""), leaf("tenancy", "default")) +
      el("monitoring", leaf("state", "disabled")) +
      leaf("subnetId", spec.subnetId) +
      leaf("vpcId", vpcId) +
      leaf("privateIpAddress", i.privateIp) +
      leaf("sourceDestCheck", true) +
      list("groupSet", groups) +
      (i.stateReason ? el("stateReason", leaf("code", i.stateReason.code), leaf("message", i.stateReason.message)) : "") +
      leaf("architecture", "x86_64") +
      leaf("rootDeviceType", "ebs") +
      leaf("rootDeviceName", spec.rootDeviceName) +
      el("blockDeviceMapping", root) +
      (spec.market === "spot" ? leaf("instanceLifecycle", "spot") + leaf("spotInstanceRequestId", i.spotRequestId) : "") +
      leaf("virtualizationType", "hvm") +
      leaf("clientToken", spec.clientToken ?? "") +
      tagSet(i.tags) +
      leaf("hypervisor", "xen") +
      (spec.iamInstanceProfile
        ? el(
            "iamInstanceProfile",
            leaf("arn", spec.iamInstanceProfile.arn),
            leaf("id", `AIPA${stableHex(spec.iamInstanceProfile.arn, 17).toUpperCase()}`),
          )
        : "") +
      leaf("ebsOptimized", false) +
      leaf("enaSupport", true) +
      el(
        "metadataOptions",
        leaf("state", "applied"),
        leaf("httpTokens", spec.metadataOptions.httpTokens),
        leaf("httpPutResponseHopLimit", spec.metadataOptions.httpPutResponseHopLimit),
        leaf("httpEndpoint", spec.metadataOptions.httpEndpoint),
        leaf("httpProtocolIpv6", "disabled"),
        leaf("instanceMetadataTags", spec.metadataOptions.instanceMetadataTags),
      )
    );
  }

  function reservationXml(reservationId: string, members: Instance[]): string {
    return (
      leaf("reservationId", reservationId) +
      leaf("ownerId", ACCOUNT_ID) +
      list("groupSet", []) +
      list(
        "instancesSet",
        members.map((i, index) => instanceXml(i, index)),
      )
    );
  }

  function launchSpec(params: QueryParams): LaunchSpec {
    const imageId = params.get("ImageId");
    if (!imageId) throw new Ec2Error("MissingParameter", "The request must contain the parameter ImageId");
    if (!AMI_ID.test(imageId)) throw new Ec2Error("InvalidAMIID.Malformed", `Invalid id: "${imageId}" (expecting "ami-...")`);
    const image = catalog.image(imageId);

    const nic = params.structs("NetworkInterface")[0];
    if (nic && params.get("SubnetId")) {
      throw new Ec2Error(
        "InvalidParameterCombination",
        "Network interfaces and an instance-level subnet ID may not be specified on the same request",
      );
    }
    if (nic && params.values("SecurityGroupId").length > 0) {
      throw new Ec2Error(
        "InvalidParameterCombination",
        "Network interfaces and an instance-level security groups may not be specified on the same request",
      );
    }
    const requestedAz = params.get("Placement.AvailabilityZone");
    const subnetId = nic?.get("SubnetId") ?? params.get("SubnetId") ?? `subnet-${stableHex(`default-${requestedAz ?? `${region}a`}`, 17)}`;
    if (!SUBNET_ID.test(subnetId)) throw new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    const az = nic?.get("SubnetId") || params.get("SubnetId") ? catalog.subnetAz(subnetId) : (requestedAz ?? `${region}a`);

    const profileName = params.get("IamInstanceProfile.Name") ?? params.get("IamInstanceProfile.Arn")?.split("instance-profile/")[1];
    if (profileName !== undefined && options.instanceProfiles && !options.instanceProfiles.includes(profileName)) {
      throw new Ec2Error(
        "InvalidParameterValue",
        `Value (${profileName}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
      );
    }

    const encodedUserData = params.get("UserData") ?? "";
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encodedUserData))
      throw new Ec2Error("InvalidParameterValue", "Invalid BASE64 encoding of user data.");
    const userData = Buffer.from(encodedUserData, "base64");
    if (userData.length > USER_DATA_LIMIT) throw new Ec2Error("InvalidParameterValue", `User data is limited to ${USER_DATA_LIMIT} bytes`);

    let tags: Record<string, string> = {};
    let volumeTags: Record<string, string> = {};
    for (const spec of params.structs("TagSpecification")) {
      const type = spec.get("ResourceType");
      if (type === "instance") tags = { ...tags, ...tagsOf(spec, "Tag") };
      else if (type === "volume") volumeTags = { ...volumeTags, ...tagsOf(spec, "Tag") };
      else if (type !== "network-interface" && type !== "spot-instances-request") {
        throw new Ec2Error("InvalidParameterValue", `'${type}' is not a valid taggable resource type for this operation.`);
      }
    }

    const blockDeviceMappings: BlockDeviceMapping[] = params.structs("BlockDeviceMapping").map((m) => ({
      deviceName: m.get("DeviceName") ?? "",
      volumeSize: m.get("Ebs.VolumeSize") === undefined ? undefined : Number(m.get("Ebs.VolumeSize")),
      volumeType: m.get("Ebs.VolumeType"),
      deleteOnTermination: m.get("Ebs.DeleteOnTermination") === undefined ? undefined : m.get("Ebs.DeleteOnTermination") === "true",
      encrypted: m.get("Ebs.Encrypted") === undefined ? undefined : m.get("Ebs.Encrypted") === "true",
    }));
    const rootMapping = blockDeviceMappings.find((m) => m.deviceName === image.rootDeviceName);
    if (rootMapping?.volumeSize !== undefined && rootMapping.volumeSize < image.rootVolumeGiB) {
      throw new Ec2Error(
        "InvalidBlockDeviceMapping",
        `Volume of size ${rootMapping.volumeSize}GB is smaller than snapshot '${image.snapshotId}', expect size >= ${image.rootVolumeGiB}GB`,
      );
    }

    const hopLimit = Number(params.get("MetadataOptions.HttpPutResponseHopLimit") ?? 1);
    if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) {
      throw new Ec2Error("InvalidParameterValue", `The HttpPutResponseHopLimit value '${hopLimit}' is invalid. Valid values are 1 to 64.`);
    }
    const shutdownBehavior = params.get("InstanceInitiatedShutdownBehavior") ?? "stop";
    if (shutdownBehavior !== "stop" && shutdownBehavior !== "terminate") {
      throw new Ec2Error(
        "InvalidParameterValue",
        `Value (${shutdownBehavior}) for parameter instanceInitiatedShutdownBehavior is invalid.`,
      );
    }
    const market: Market = params.get("InstanceMarketOptions.MarketType") === "spot" ? "spot" : "on-demand";
    const placementGroup = params.get("Placement.GroupName");
    if (placementGroup !== undefined) {
      const group = placementGroups.get(placementGroup);
      if (!group || group.state !== "available")
        throw new Ec2Error("InvalidPlacementGroup.Unknown", `The Placement Group '${placementGroup}' is unknown.`);
      // A cluster group lives in one zone: its instances, while any is alive, pin it there.
      const pinned = [...instances.values()].find((i) => i.spec.placementGroup === placementGroup && i.state !== "terminated");
      if (group.strategy === "cluster" && pinned && pinned.spec.az !== az)
        throw new Ec2Error(
          "InvalidParameterValue",
          `Placement group ${placementGroup} is in Availability Zone ${pinned.spec.az}; the instance cannot be launched in ${az}.`,
        );
    }
    const instanceType = params.get("InstanceType") ?? "m1.small";
    const networkInterfaces = networkInterfacesOf(params, instanceType);
    const efaInterfaces = networkInterfaces.filter((n) => n.type !== "interface").length;
    const iamArn =
      params.get("IamInstanceProfile.Arn") ?? (profileName ? `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${profileName}` : undefined);

    return {
      imageId,
      instanceType,
      az,
      subnetId,
      securityGroupIds: nic ? nic.values("SecurityGroupId") : params.values("SecurityGroupId"),
      iamInstanceProfile: iamArn ? { name: profileName, arn: iamArn } : undefined,
      userData: userData.toString("utf8"),
      clientToken: params.get("ClientToken"),
      tags,
      volumeTags,
      metadataOptions: {
        httpTokens: params.get("MetadataOptions.HttpTokens") ?? "optional",
        httpPutResponseHopLimit: hopLimit,
        httpEndpoint: params.get("MetadataOptions.HttpEndpoint") ?? "enabled",
        instanceMetadataTags: params.get("MetadataOptions.InstanceMetadataTags") ?? "disabled",
      },
      blockDeviceMappings,
      rootDeviceName: image.rootDeviceName,
      shutdownBehavior,
      market,
      placementGroup,
      efa: efaInterfaces > 0,
      efaInterfaces,
      networkInterfaces,
    };
  }

  /**
   * The network interfaces a RunInstances request asks for (NetworkInterface.N), checked as EC2
   * documents them: types interface, efa or efa-only; each on a network card the type has
   * (NetworkCardIndex, default 0) with a device index of its own there; the primary one (card 0,
   * device 0) present and not EFA-only ("You can't use an EFA-only network interface as the
   * primary network interface"); EFA only on a type with EFA and no more EFA interfaces than it
   * takes. The refusals' codes and wording are the stand-in's own, except EC2's "… instances do
   * not support Elastic Fabric Adapters." (from attaching one). Empty without NetworkInterface.
   */
  function networkInterfacesOf(params: QueryParams, instanceType: string): NetworkInterfaceSpec[] {
    const nics = params.structs("NetworkInterface").map((n) => {
      const type = n.get("InterfaceType") ?? "interface";
      if (type !== "interface" && type !== "efa" && type !== "efa-only")
        throw new Ec2Error("InvalidParameterValue", `Value (${type}) for parameter interfaceType is invalid.`);
      return { card: Number(n.get("NetworkCardIndex") ?? 0), device: Number(n.get("DeviceIndex") ?? 0), type } as NetworkInterfaceSpec;
    });
    if (nics.length === 0) return nics;
    const info = catalog.instanceType(instanceType);
    const efa = nics.filter((n) => n.type !== "interface").length;
    if (efa > 0 && !info?.maxEfaInterfaces)
      throw new Ec2Error("InvalidParameterCombination", `${instanceType} instances do not support Elastic Fabric Adapters.`);
    if (info && efa > info.maxEfaInterfaces)
      throw new Ec2Error(
        "InvalidParameterValue",
        `${instanceType} takes at most ${info.maxEfaInterfaces} EFA interfaces; the request has ${efa}.`,
      );
    const seen = new Set<string>();
    for (const n of nics) {
      if (info && n.card >= info.networkCards)
        throw new Ec2Error(
          "InvalidParameterValue",
          `Network card index ${n.card} is out of range: ${instanceType} has ${info.networkCards} network card(s).`,
        );
      const at = `${n.card}/${n.device}`;
      if (seen.has(at))
        throw new Ec2Error("InvalidParameterValue", `Two network interfaces at network card ${n.card}, device index ${n.device}.`);
      seen.add(at);
    }
    const primary = nics.find((n) => n.card === 0 && n.device === 0);
    if (!primary)
      throw new Ec2Error("InvalidParameterValue", "The request has no primary network interface (network card 0, device index 0).");
    if (primary.type === "efa-only")
      throw new Ec2Error("InvalidParameterCombination", "An EFA-only network interface cannot be the primary network interface.");
    return nics;
  }

  /** One group's fields, for the `<item>` that list() wraps them in. */
  function placementGroupXml(g: PlacementGroup): string {
    return [
      leaf("groupName", g.name),
      leaf("groupId", g.groupId),
      leaf("state", g.state),
      leaf("strategy", g.strategy),
      leaf("groupArn", `arn:aws:ec2:${region}:${ACCOUNT_ID}:placement-group/${g.name}`),
      tagSet(Object.entries(g.tags)),
    ].join("");
  }

  function createPlacementGroup(params: QueryParams): string {
    const name = params.get("GroupName") ?? "";
    if (!/^[\x20-\x7e]{1,255}$/.test(name)) throw new Ec2Error("InvalidParameterValue", `Invalid placement group name '${name}'`);
    const strategy = params.get("Strategy") ?? "";
    if (strategy !== "cluster" && strategy !== "spread" && strategy !== "partition")
      throw new Ec2Error("InvalidParameterValue", `Value (${strategy}) for parameter strategy is invalid.`);
    if (placementGroups.get(name)?.state === "available")
      throw new Ec2Error("InvalidPlacementGroup.Duplicate", `The Placement Group '${name}' already exists.`);
    let tags: Record<string, string> = {};
    for (const spec of params.structs("TagSpecification")) {
      if (spec.get("ResourceType") !== "placement-group")
        throw new Ec2Error(
          "InvalidParameterValue",
          `'${spec.get("ResourceType")}' is not a valid taggable resource type for this operation.`,
        );
      tags = { ...tags, ...tagsOf(spec, "Tag") };
    }
    const group: PlacementGroup = { name, groupId: `pg-${stableHex(`${name}-${Date.now()}`, 17)}`, strategy, state: "available", tags };
    placementGroups.set(name, group);
    return el(
      "placementGroup",
      leaf("groupName", name),
      leaf("groupId", group.groupId),
      leaf("state", "available"),
      leaf("strategy", strategy),
      tagSet(Object.entries(tags)),
    );
  }

  function deletePlacementGroup(params: QueryParams): string {
    const name = params.get("GroupName") ?? "";
    const group = placementGroups.get(name);
    if (!group || group.state !== "available")
      throw new Ec2Error("InvalidPlacementGroup.Unknown", `The Placement Group '${name}' is unknown.`);
    // EC2 refuses while any instance in it is not terminated (shutting-down included).
    if ([...instances.values()].some((i) => i.spec.placementGroup === name && i.state !== "terminated"))
      throw new Ec2Error("InvalidPlacementGroup.InUse", `The placement group '${name}' is in use and may not be deleted.`);
    group.state = "deleted";
    return leaf("return", true);
  }

  function describePlacementGroups(params: QueryParams): string {
    const names = params.values("GroupName");
    const filters = params.structs("Filter").map((f) => {
      const filterName = f.get("Name") ?? "";
      const values = f.values("Value").map(wildcard);
      const read = (g: PlacementGroup): string[] =>
        filterName.startsWith("tag:")
          ? g.tags[filterName.slice(4)] !== undefined
            ? [g.tags[filterName.slice(4)]!]
            : []
          : filterName === "group-name"
            ? [g.name]
            : filterName === "state"
              ? [g.state]
              : filterName === "strategy"
                ? [g.strategy]
                : (() => {
                    throw new Ec2Error("InvalidParameterValue", `The filter '${filterName}' is invalid`);
                  })();
      return (g: PlacementGroup) => read(g).some((v) => values.some((p) => p.test(v)));
    });
    const missing = names.filter((n) => placementGroups.get(n)?.state !== "available");
    if (missing.length > 0) throw new Ec2Error("InvalidPlacementGroup.Unknown", `The Placement Group '${missing[0]}' is unknown.`);
    const matching = [...placementGroups.values()].filter(
      (g) => g.state === "available" && (names.length === 0 || names.includes(g.name)) && filters.every((f) => f(g)),
    );
    return list("placementGroupSet", matching.map(placementGroupXml));
  }

  function runInstances(params: QueryParams): string {
    const minCount = Number(params.get("MinCount"));
    const maxCount = Number(params.get("MaxCount"));
    if (!Number.isInteger(minCount) || !Number.isInteger(maxCount) || minCount < 1 || maxCount < minCount) {
      throw new Ec2Error("InvalidParameterValue", "MinCount and MaxCount must be integers with 1 <= MinCount <= MaxCount");
    }
    const clientToken = params.get("ClientToken");
    const fingerprint = params.fingerprint("ClientToken");
    const earlier = clientToken ? reservations.get(clientToken) : undefined;
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new Ec2Error(
          "IdempotentParameterMismatch",
          "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).",
        );
      }
      return reservationXml(
        earlier.id,
        earlier.instanceIds.map((id) => instances.get(id)!),
      );
    }
    const spec = launchSpec(params);
    const fault = faults.takeCapacity(spec.instanceType, spec.az, spec.market);
    if (fault) throw capacityError(fault.code, spec.instanceType, spec.az, spec.subnetId, region);
    const reservationId = newReservationId();
    const launched = Array.from({ length: maxCount }, () => options.launch(reservationId, spec));
    for (const i of launched) {
      i.launchedBy = caller;
      i.lostOnBoot = faults.takeBootLoss(spec.instanceType, spec.az);
    }
    if (clientToken) reservations.set(clientToken, { id: reservationId, instanceIds: launched.map((i) => i.id), fingerprint });
    return reservationXml(reservationId, launched);
  }

  function describeInstances(params: QueryParams): string {
    const ids = params.values("InstanceId");
    const maxResults = params.get("MaxResults");
    checkInstanceIds(ids);
    if (ids.length > 0 && maxResults !== undefined) {
      throw new Ec2Error("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
    }
    const pageSize = maxResults === undefined ? Infinity : Number(maxResults);
    if (maxResults !== undefined && !(pageSize >= 5 && pageSize <= 1000))
      throw new Ec2Error(
        "InvalidParameterValue",
        `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    // Eventual consistency: right after RunInstances, DescribeInstances may not know the instance.
    const now = Date.now();
    const visible = [...instances.values()].filter((i) => i.visibleAt <= now);
    const missing = ids.filter((id) => !visible.some((i) => i.id === id));
    if (missing.length > 0) throw notFound(missing);

    const filters = params.structs("Filter").map((f) => {
      const values = f.values("Value").map(wildcard);
      const read = filterOf(f.get("Name") ?? "");
      return (i: Instance) => read(i).some((v) => values.some((pattern) => pattern.test(v)));
    });
    const matching = visible.filter((i) => (ids.length === 0 || ids.includes(i.id)) && filters.every((f) => f(i)));

    const token = params.get("NextToken");
    const start = token === undefined ? 0 : Number(Buffer.from(token, "base64").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw new Ec2Error("InvalidParameterValue", `Invalid value '${token}' for nextToken`);
    const page = matching.slice(start, start + pageSize);
    const next = start + page.length < matching.length ? Buffer.from(String(start + page.length)).toString("base64") : undefined;

    const byReservation = new Map<string, Instance[]>();
    for (const i of page) byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
    return (
      list(
        "reservationSet",
        [...byReservation].map(([id, members]) => reservationXml(id, members)),
      ) + leaf("nextToken", next)
    );
  }

  function terminateInstances(params: QueryParams): string {
    const ids = params.values("InstanceId");
    if (ids.length === 0) throw new Ec2Error("MissingParameter", "The request must contain the parameter InstanceId");
    checkInstanceIds(ids);
    // Eventual consistency, as for DescribeInstances: right after RunInstances, EC2 may not know the id yet.
    const now = Date.now();
    const missing = ids.filter((id) => !instances.has(id) || instances.get(id)!.visibleAt > now);
    if (missing.length > 0) throw notFound(missing);
    const items = ids.map((id) => {
      const instance = instances.get(id)!;
      const previous = instance.terminate();
      if (previous !== "shutting-down" && previous !== "terminated") instance.terminatedBy = caller ?? "";
      return (
        leaf("instanceId", id) +
        el("previousState", leaf("code", STATE_CODES[previous]), leaf("name", previous)) +
        stateXml("currentState", instance)
      );
    });
    return list("instancesSet", items);
  }

  function createTags(params: QueryParams): string {
    const ids = params.values("ResourceId");
    const tags = tagsOf(params, "Tag");
    for (const id of ids) {
      if (!id.startsWith("i-")) throw new Ec2Error("InvalidID", `The ID '${id}' is not valid`);
      checkInstanceIds([id]);
      if (!instances.has(id)) throw notFound([id]);
    }
    for (const id of ids) for (const [key, value] of Object.entries(tags)) instances.get(id)!.tags.set(key, value);
    return leaf("return", true);
  }

  function describeSubnets(params: QueryParams): string {
    if (params.structs("Filter").length > 0)
      throw new Ec2Error("InvalidParameterValue", "The stand-in's DescribeSubnets takes SubnetIds only");
    const ids = params.values("SubnetId");
    const malformed = ids.find((id) => !SUBNET_ID.test(id));
    if (malformed !== undefined) throw new Ec2Error("InvalidSubnetID.Malformed", `Invalid id: "${malformed}"`);
    const items = ids.map((id) => {
      const az = catalog.subnetAz(id);
      return (
        leaf("subnetId", id) +
        leaf("subnetArn", `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${id}`) +
        leaf("state", "available") +
        leaf("vpcId", `vpc-${stableHex(id, 17)}`) +
        leaf("ownerId", ACCOUNT_ID) +
        leaf("cidrBlock", `10.0.${stableHash(id) % 256}.0/24`) +
        leaf("availableIpAddressCount", 250) +
        leaf("availabilityZone", az) +
        leaf("availabilityZoneId", `usw2-az${"abcd".indexOf(az.slice(-1)) + 1}`) +
        leaf("defaultForAz", false) +
        leaf("mapPublicIpOnLaunch", false)
      );
    });
    return list("subnetSet", items);
  }

  function describeImages(params: QueryParams): string {
    if (params.structs("Filter").length > 0)
      throw new Ec2Error("InvalidParameterValue", "The stand-in's DescribeImages takes ImageIds only");
    const ids = params.values("ImageId");
    const malformed = ids.find((id) => !AMI_ID.test(id));
    if (malformed !== undefined) throw new Ec2Error("InvalidAMIID.Malformed", `Invalid id: "${malformed}" (expecting "ami-...")`);
    const items = ids.map((id) => {
      const image = catalog.image(id);
      const rootEbs = el(
        "ebs",
        leaf("snapshotId", image.snapshotId),
        leaf("volumeSize", image.rootVolumeGiB),
        leaf("deleteOnTermination", true),
        leaf("volumeType", "gp3"),
        leaf("encrypted", false),
      );
      return (
        leaf("imageId", id) +
        leaf("imageLocation", `amazon/${image.name}`) +
        leaf("imageState", "available") +
        leaf("imageOwnerId", "898082745236") +
        leaf("creationDate", "2026-01-15T00:00:00.000Z") +
        leaf("isPublic", true) +
        leaf("architecture", "x86_64") +
        leaf("imageType", "machine") +
        leaf("name", image.name) +
        leaf("rootDeviceType", "ebs") +
        leaf("rootDeviceName", image.rootDeviceName) +
        list("blockDeviceMapping", [leaf("deviceName", image.rootDeviceName) + rootEbs]) +
        leaf("virtualizationType", "hvm") +
        leaf("hypervisor", "xen") +
        leaf("enaSupport", true) +
        leaf("platformDetails", "Linux/UNIX")
      );
    });
    return list("imagesSet", items);
  }

  /**
   * The catalog's instance types (InstanceType.N; no filters): vCPUs, GpuInfo and NetworkInfo with
   * EfaSupported, and EfaInfo.MaximumEfaInterfaces when supported. A type it does not describe is
   * refused as EC2 refuses an unknown one (InvalidInstanceType).
   */
  function describeInstanceTypes(params: QueryParams): string {
    if (params.structs("Filter").length > 0)
      throw new Ec2Error("InvalidParameterValue", "The stand-in's DescribeInstanceTypes takes InstanceTypes only");
    const names = params.values("InstanceType");
    const unknown = names.filter((n) => !catalog.instanceType(n));
    if (unknown.length > 0)
      throw new Ec2Error("InvalidInstanceType", `The following supplied instance types do not exist: [${unknown.join(", ")}]`);
    const items = names.map((n) => {
      const t = catalog.instanceType(n)!;
      return (
        leaf("instanceType", t.instanceType) +
        leaf("currentGeneration", true) +
        el("vCpuInfo", leaf("defaultVCpus", t.vcpus)) +
        el(
          "gpuInfo",
          list("gpus", [
            leaf("name", t.gpu.name) +
              leaf("manufacturer", "NVIDIA") +
              leaf("count", t.gpu.count) +
              el("memoryInfo", leaf("sizeInMiB", t.gpu.memoryMiB)),
          ]),
          leaf("totalGpuMemoryInMiB", t.gpu.count * t.gpu.memoryMiB),
        ) +
        el(
          "networkInfo",
          leaf("enaSupport", "required"),
          leaf("maximumNetworkCards", t.networkCards),
          leaf("efaSupported", t.maxEfaInterfaces > 0),
          t.maxEfaInterfaces > 0 ? el("efaInfo", leaf("maximumEfaInterfaces", t.maxEfaInterfaces)) : "",
        )
      );
    });
    return list("instanceTypeSet", items);
  }

  /**
   * Linux/UNIX spot prices per (type, zone): each changed 6 h before the current hour (4 % higher
   * then) and 1 h before it. As EC2 does, StartTime/EndTime select the changes in that window plus
   * the last change before StartTime (the price in effect then); most recent first.
   */
  function describeSpotPriceHistory(params: QueryParams): string {
    if (faults.denySpotPriceHistory) throw new Ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);
    const filters = new Map(params.structs("Filter").map((f) => [f.get("Name") ?? "", f.values("Value")]));
    for (const name of filters.keys())
      if (!["availability-zone", "instance-type", "product-description"].includes(name))
        throw new Ec2Error("InvalidParameterValue", `The stand-in's DescribeSpotPriceHistory does not filter on '${name}'`);
    const types = [...params.values("InstanceType"), ...(filters.get("instance-type") ?? [])];
    const descriptions = [...params.values("ProductDescription"), ...(filters.get("product-description") ?? [])];
    const zoneParam = params.get("AvailabilityZone");
    const zones = [...(zoneParam ? [zoneParam] : []), ...(filters.get("availability-zone") ?? [])];
    const allZones = [..."abcd"].map((l) => `${region}${l}`);
    if (zoneParam && !allZones.includes(zoneParam))
      throw new Ec2Error("InvalidParameterValue", `Invalid availability zone: [${zoneParam}]`);
    const time = (name: string) => {
      const raw = params.get(name);
      if (raw === undefined) return undefined;
      const t = Date.parse(raw);
      if (Number.isNaN(t)) throw new Ec2Error("InvalidParameterValue", `Invalid value '${raw}' for ${name}`);
      return t;
    };
    const now = Date.now();
    const start = time("StartTime");
    const end = time("EndTime") ?? now;
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    const changes = [hour - 3_600_000, hour - 6 * 3_600_000];
    const items: string[] = [];
    const wantedTypes = types.length > 0 ? types : Object.keys(STAND_IN_ON_DEMAND_USD);
    const linux = descriptions.length === 0 || descriptions.includes("Linux/UNIX");
    for (const instanceType of wantedTypes) {
      for (const az of zones.length > 0 ? zones.filter((z) => allZones.includes(z)) : allZones) {
        const unscaled = spotPriceUsd(instanceType, az);
        const current = unscaled === undefined ? undefined : unscaled * faults.spotPriceScale;
        if (current === undefined || !linux) continue;
        // Most recent first: the changes inside [start, end], then the one in effect at start.
        const inWindow = changes.filter((t) => t <= end && (start === undefined || t >= start));
        const before = start === undefined ? [] : changes.filter((t) => t < start).slice(0, 1);
        for (const t of [...inWindow, ...before]) {
          const usd = t === changes[0] ? current : Math.round(current * 1.04 * 10_000) / 10_000;
          items.push(
            leaf("availabilityZone", az) +
              leaf("availabilityZoneId", `usw2-az${"abcd".indexOf(az.slice(-1)) + 1}`) +
              leaf("instanceType", instanceType) +
              leaf("productDescription", "Linux/UNIX") +
              leaf("spotPrice", usd.toFixed(6)) +
              leaf("timestamp", new Date(t)),
          );
        }
      }
    }
    return list("spotPriceHistorySet", items) + leaf("nextToken", "");
  }

  const operations: Record<string, (params: QueryParams) => string> = {
    DescribeSpotPriceHistory: describeSpotPriceHistory,
    RunInstances: runInstances,
    DescribeInstances: describeInstances,
    TerminateInstances: terminateInstances,
    CreateTags: createTags,
    DescribeSubnets: describeSubnets,
    DescribeImages: describeImages,
    DescribeInstanceTypes: describeInstanceTypes,
    CreatePlacementGroup: createPlacementGroup,
    DeletePlacementGroup: deletePlacementGroup,
    DescribePlacementGroups: describePlacementGroups,
  };

  return (req): Reply => {
    const params = QueryParams.parse(req.body.toString("utf8"));
    const action = params.get("Action") ?? "unknown";
    caller = /(?:^|\s)app\/(\S+)/.exec(header(req, "user-agent") ?? "")?.[1];
    const auth = credentials.authenticate(req);
    const accessKeyId = auth.accessKeyId;
    const requestId = newRequestId();
    try {
      if (!auth.ok) {
        throw {
          missing: new Ec2Error("MissingAuthenticationToken", "Request is missing Authentication Token", 401),
          unknown: new Ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
          expired: new Ec2Error("RequestExpired", "Request has expired.", 400),
        }[auth.reason];
      }
      if (faults.takeThrottle("ec2", action)) throw new Ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503);
      const operation = operations[action];
      if (!operation) throw new Ec2Error("InvalidAction", `The action ${action} is not valid for this web service.`);
      const body = xmlDocument(`${action}Response`, NAMESPACE, leaf("requestId", requestId), operation(params));
      return { status: 200, headers: { "content-type": "text/xml;charset=UTF-8" }, body, action, accessKeyId };
    } catch (error) {
      if (!(error instanceof Ec2Error)) throw error;
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n` +
        el("Response", el("Errors", el("Error", leaf("Code", error.code), leaf("Message", error.message))), leaf("RequestID", requestId));
      return {
        status: error.status,
        headers: { "content-type": "text/xml;charset=UTF-8" },
        body,
        action,
        accessKeyId,
        errorCode: error.code,
      };
    }
  };
}
