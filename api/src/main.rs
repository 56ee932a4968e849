//! `hrc-api`: the Council Mechanisms API server and its command-line tools.

fn main() -> std::process::ExitCode {
    hrc_api::cli::main()
}
