#!/usr/bin/env bash
# On the server node: waits until k3s has written its node token (it does at start), then prints
# it sealed to the runner's public key (node-token.pub.pem beside this script: RSA-OAEP with
# SHA-256), base64, on one GPU_BENCH_SEALED_TOKEN line. The token itself is never printed: the
# command's output (in SSM and the S3 output bucket) holds only what the runner's private key,
# which never leaves the runner, opens. openssl reads the token file itself.
#
# Environment: NODE_TOKEN_TIMEOUT (seconds).
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_TOKEN_TIMEOUT=${NODE_TOKEN_TIMEOUT:-600}
token_file="$ROOT/var/lib/rancher/k3s/server/node-token"
public_key="$(dirname "${BASH_SOURCE[0]}")/node-token.pub.pem"

step_begin k3s-node-token
if ! poll_until "$NODE_TOKEN_TIMEOUT" test -s "$token_file"; then
  fail "k3s wrote no node token ($token_file) within ${NODE_TOKEN_TIMEOUT}s." \
    "The server's k3s did not start; its bootstrap's error says why."
fi
sealed=$(openssl pkeyutl -encrypt -pubin -inkey "$public_key" -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
  -in "$token_file" | base64 -w0) ||
  fail "openssl could not seal the node token to the runner's key." "openssl (1.1 or later) must be on the AMI."
step_end "sealed for the runner"
printf 'GPU_BENCH_SEALED_TOKEN %s\n' "$sealed"
