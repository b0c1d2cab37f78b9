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
