//! The `flightclaim` binary: parse the command line and dispatch.

fn main() -> std::process::ExitCode {
    flightclaim::cli::main()
}
