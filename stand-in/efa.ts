import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What a stand-in instance shows of EFA: its EFA devices and the EFA software of the stand-in's
 * Deep Learning AMI, written under the instance's `/` (`root`).
 */

/**
 * One RDMA device of the efa driver per attached EFA interface under /sys/class/infiniband
 * (rdmap0s6, rdmap1s6, …: the stand-in's names; real ones follow the PCI address, e.g. rdmap16s27),
 * and the efa kernel module loaded (/sys/module/efa), as on a Deep Learning AMI. `count` ≥ 1.
 */
export function writeEfaDevices(root: string, count: number): void {
  for (let k = 0; k < count; k++) {
    const rdma = join(root, `sys/class/infiniband/rdmap${k}s6`);
    mkdirSync(join(rdma, "device"), { recursive: true });
    symlinkSync("../../../../bus/pci/drivers/efa", join(rdma, "device/driver"));
  }
  mkdirSync(join(root, "sys/module/efa"), { recursive: true });
}

const PLACEHOLDER = "stand-in placeholder: not a shared object; the stand-in's pods run gloo on the CPU and never load it\n";

/**
 * The EFA software of the stand-in's Deep Learning AMI, on every instance as on the real AMI:
 * libfabric under /opt/amazon/efa with fi_info (the stand-in's, `<instanceBin>/fi_info`, which
 * answers from the instance's EFA devices) and the AWS OFI NCCL plugin under
 * /opt/amazon/ofi-nccl/lib (libnccl-net-ofi.so and its libnccl-net.so link, as aws-ofi-nccl 1.15
 * and later install it). The libraries are marked placeholders: nothing on the stand-in loads them.
 */
export function writeEfaSoftware(root: string, instanceBin: string): void {
  const efa = join(root, "opt/amazon/efa");
  mkdirSync(join(efa, "bin"), { recursive: true });
  mkdirSync(join(efa, "lib"), { recursive: true });
  symlinkSync(join(instanceBin, "fi_info"), join(efa, "bin/fi_info"));
  writeFileSync(join(efa, "lib/libfabric.so.1"), PLACEHOLDER);
  const plugin = join(root, "opt/amazon/ofi-nccl/lib");
  mkdirSync(plugin, { recursive: true });
  writeFileSync(join(plugin, "libnccl-net-ofi.so"), PLACEHOLDER);
  symlinkSync("libnccl-net-ofi.so", join(plugin, "libnccl-net.so"));
}
