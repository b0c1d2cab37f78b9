import { stableHash, stableHex } from "./ids.js";

export interface Image {
  imageId: string;
  name: string;
  rootDeviceName: string;
  /** Size of the root snapshot: a root volume may not be smaller. */
  rootVolumeGiB: number;
  snapshotId: string;
}

export interface CatalogOptions {
  region: string;
  /** Subnet → AZ; other well-formed subnets land in a stable AZ `${region}a`…`d`. */
  subnets?: Record<string, string>;
  /** Known AMIs; any other well-formed AMI id exists with a generic name. */
  images?: Record<string, { name?: string; rootVolumeGiB?: number }>;
  /** SSM parameter name → AMI id, besides the Deep Learning AMI public parameters. */
  parameters?: Record<string, string>;
  /** Root snapshot size of images without one of their own. */
  rootVolumeGiB?: number;
}

export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
export const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
/** /aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id and its siblings. */
const DLAMI_PARAMETER = /^\/aws\/service\/deeplearning\/ami\/(x86_64|arm64)\/([a-z0-9.-]+)\/latest\/ami-id$/;

/** What DescribeInstanceTypes tells of a type: its vCPUs, its GPUs (GpuInfo) and its EFA support (NetworkInfo). */
export interface InstanceTypeInfo {
  instanceType: string;
  vcpus: number;
  /** GpuInfo.Gpus[0]: the NVIDIA GPU's name, how many, and each one's memory in MiB. */
  gpu: { name: string; count: number; memoryMiB: number };
  /** NetworkInfo.EfaInfo.MaximumEfaInterfaces; 0 when EfaSupported is false. */
  maxEfaInterfaces: number;
  /** NetworkInfo.MaximumNetworkCards. */
  networkCards: number;
}

/**
 * The GPU instance types the stand-in describes, each with its vCPUs, its GPUs and the most EFA
 * interfaces it takes (0: no EFA). Source: EC2 User Guide, "Elastic Fabric Adapter", section
 * "Supported instance types" (accelerated computing: g4dn.8xlarge and larger, g5.8xlarge and larger,
 * g6.8xlarge and larger, g6e.8xlarge and larger, p4d.24xlarge, p5.48xlarge), and the EC2
 * accelerated-computing instance-type pages for the GPU counts (1 per instance up to .16xlarge
 * except .12xlarge with 4; .24xlarge 4; .48xlarge 8; g4dn.12xlarge 4; p4d and p5 8).
 */
const INSTANCE_TYPES: Readonly<Record<string, { vcpus: number; efa: number; gpus: number }>> = {
  "g4dn.xlarge": { vcpus: 4, efa: 0, gpus: 1 },
  "g4dn.2xlarge": { vcpus: 8, efa: 0, gpus: 1 },
  "g4dn.4xlarge": { vcpus: 16, efa: 0, gpus: 1 },
  "g4dn.8xlarge": { vcpus: 32, efa: 1, gpus: 1 },
  "g4dn.12xlarge": { vcpus: 48, efa: 1, gpus: 4 },
  "g4dn.16xlarge": { vcpus: 64, efa: 1, gpus: 1 },
  "g5.xlarge": { vcpus: 4, efa: 0, gpus: 1 },
  "g5.2xlarge": { vcpus: 8, efa: 0, gpus: 1 },
  "g5.4xlarge": { vcpus: 16, efa: 0, gpus: 1 },
  "g5.8xlarge": { vcpus: 32, efa: 1, gpus: 1 },
  "g5.12xlarge": { vcpus: 48, efa: 1, gpus: 4 },
  "g5.16xlarge": { vcpus: 64, efa: 1, gpus: 1 },
  "g5.24xlarge": { vcpus: 96, efa: 1, gpus: 4 },
  "g5.48xlarge": { vcpus: 192, efa: 1, gpus: 8 },
  "g6.xlarge": { vcpus: 4, efa: 0, gpus: 1 },
  "g6.2xlarge": { vcpus: 8, efa: 0, gpus: 1 },
  "g6.4xlarge": { vcpus: 16, efa: 0, gpus: 1 },
  "g6.8xlarge": { vcpus: 32, efa: 1, gpus: 1 },
  "g6.12xlarge": { vcpus: 48, efa: 1, gpus: 4 },
  "g6.16xlarge": { vcpus: 64, efa: 1, gpus: 1 },
  "g6.24xlarge": { vcpus: 96, efa: 1, gpus: 4 },
  "g6.48xlarge": { vcpus: 192, efa: 1, gpus: 8 },
  "g6e.xlarge": { vcpus: 4, efa: 0, gpus: 1 },
  "g6e.2xlarge": { vcpus: 8, efa: 0, gpus: 1 },
  "g6e.4xlarge": { vcpus: 16, efa: 0, gpus: 1 },
  "g6e.8xlarge": { vcpus: 32, efa: 1, gpus: 1 },
  "g6e.12xlarge": { vcpus: 48, efa: 1, gpus: 4 },
  "g6e.24xlarge": { vcpus: 96, efa: 2, gpus: 4 },
  "g6e.48xlarge": { vcpus: 192, efa: 4, gpus: 8 },
  "p4d.24xlarge": { vcpus: 96, efa: 4, gpus: 8 },
  "p5.48xlarge": { vcpus: 192, efa: 32, gpus: 8 },
};

/** Each family's NVIDIA GPU and its memory (MiB), as DescribeInstanceTypes' GpuInfo names them. */
const GPU_KINDS: Readonly<Record<string, readonly [string, number]>> = {
  g4dn: ["T4", 16384],
  g5: ["A10G", 24576],
  g6: ["L4", 22888],
  g6e: ["L40S", 45776],
  p4d: ["A100", 40960],
  p5: ["H100", 81920],
};

/** The subnets, AMIs and public parameters of the stand-in's one region. */
export class Catalog {
  private readonly named = new Map<string, string>();

  constructor(private readonly options: CatalogOptions) {}

  subnetAz(subnetId: string): string {
    return this.options.subnets?.[subnetId] ?? `${this.options.region}${"abcd"[stableHash(subnetId) % 4]}`;
  }

  image(imageId: string): Image {
    const known = this.options.images?.[imageId];
    return {
      imageId,
      name: known?.name ?? this.named.get(imageId) ?? `stand-in-image-${imageId}`,
      rootDeviceName: "/dev/sda1",
      rootVolumeGiB: known?.rootVolumeGiB ?? this.options.rootVolumeGiB ?? 75,
      snapshotId: `snap-${stableHex(imageId, 17)}`,
    };
  }

  /** What DescribeInstanceTypes says of a type; undefined for a type the stand-in does not describe. */
  instanceType(instanceType: string): InstanceTypeInfo | undefined {
    const known = INSTANCE_TYPES[instanceType];
    if (!known) return undefined;
    const [name, memoryMiB] = GPU_KINDS[instanceType.split(".")[0]!]!;
    // The multi-EFA types have one network card per EFA interface (p4d.24xlarge 4, p5.48xlarge 32); the others one card.
    return {
      instanceType,
      vcpus: known.vcpus,
      gpu: { name, count: known.gpus, memoryMiB },
      maxEfaInterfaces: known.efa,
      networkCards: Math.max(1, known.efa),
    };
  }

  /** The AMI id a public SSM parameter names, or undefined when there is no such parameter. */
  parameter(name: string): string | undefined {
    const given = this.options.parameters?.[name];
    if (given) return given;
    const match = DLAMI_PARAMETER.exec(name);
    if (!match) return undefined;
    const imageId = `ami-${stableHex(name, 17)}`;
    this.named.set(imageId, `Deep Learning ${match[2]} AMI (${match[1]}) stand-in`);
    return imageId;
  }
}
