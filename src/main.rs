//! `netns`: manage Linux network namespaces. See `netns --help`.

fn main() {
    let code = netns::cli::main_with_args(std::env::args_os().skip(1).collect());
    std::process::exit(code);
}
