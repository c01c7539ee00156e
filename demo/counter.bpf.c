// SPDX-License-Identifier: GPL-2.0
/*
 * The demo application's BPF side: an XDP program that counts packets in
 * a global variable. The workload loads it through its libbpf skeleton,
 * as an application would.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 verdict = XDP_DROP;	/* .rodata: set before load */
__u64 packets;					/* .bss: read after runs */

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&packets, 1);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
