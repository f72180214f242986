//! Signs `benches/peers/requests.jsonl` PASSES times on one reused
//! `signer::Signer` (the `oauth1-doctor (Signer)` path of
//! `benches/peers/run.sh`: URL, form body, protocol parameters, base
//! string, HMAC-SHA1 with the key derived each time, header), for counting
//! instructions per request without a timer (issue 18):
//!
//! ```text
//! cargo build --release --example signer_loop
//! perf stat -e instructions target/release/examples/signer_loop benches/peers/requests.jsonl 0
//! perf stat -e instructions target/release/examples/signer_loop benches/peers/requests.jsonl 20
//! valgrind --tool=callgrind target/release/examples/signer_loop benches/peers/requests.jsonl 2
//! ```
//!
//! The difference between a run of PASSES and a run of 0 (reading the set
//! only), divided by PASSES × 10,000, is the count per request. It prints
//! a checksum of the headers so that the work cannot be left out.

use oauth1_doctor::signer::Signer;

#[path = "common/peers_set.rs"]
mod peers_set;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (src, passes) = match args.as_slice() {
        [_, src, passes] => (src, passes.parse::<usize>().unwrap_or(1)),
        _ => {
            eprintln!("usage: signer_loop REQUESTS.jsonl PASSES");
            std::process::exit(2);
        }
    };
    let inputs = peers_set::read(src);
    let mut signer = Signer::new();
    let mut sum = 0usize;
    for _ in 0..passes {
        for r in &inputs {
            peers_set::sign(&mut signer, r, None);
            let h = signer.authorization_bytes(None);
            sum = sum
                .wrapping_mul(31)
                .wrapping_add(h.len() + usize::from(h[h.len() - 3]));
        }
    }
    println!(
        "{} requests x {passes} passes, checksum {sum}",
        inputs.len()
    );
}
