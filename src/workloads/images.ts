/**
 * Container images the workloads run, pinned. A suite may name another image per workload; the
 * node's inventory records the digest each one resolved to.
 *
 * - PyTorch 2.7.1 with CUDA 12.8 and cuDNN 9: kernels for every GPU the tool launches (T4 sm_75
 *   through H100/H200 sm_90), bf16 autocast and torch.compile; CUDA 12.x runs on the Deep Learning
 *   AMI's driver. The runtime flavour is the smaller download; torch.compile needs a C compiler for
 *   Triton, which only the devel flavour carries, so compiling workloads use that one.
 * - vLLM 0.11.0 (CUDA 12.8): `vllm serve` and `vllm bench serve` in one image, V1 engine only,
 *   with an attention backend for compute capability 7.5 (T4, with --dtype half).
 */
export const IMAGES = {
  pytorch: "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime",
  pytorchDevel: "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel",
  vllm: "vllm/vllm-openai:v0.11.0",
} as const;

/** Namespace every workload object lives in. */
export const WORKLOAD_NAMESPACE = "gpu-bench";

/** Host folder shared by the vLLM server and its benchmark Jobs, so the model downloads once. */
export const HF_CACHE_HOST_PATH = "/var/lib/gpu-bench/hf-cache";
