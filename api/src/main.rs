use std::process::ExitCode;

use api::cli::{Cli, Command};
use api::config::Config;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    api::telemetry::init_logging(&config.log_level);

    let result = match cli.command.unwrap_or(Command::Serve {
        demo: false,
        credentials: None,
    }) {
        Command::Serve { demo, credentials } => {
            actix_web::rt::System::new().block_on(api::cli::serve(config, demo, credentials))
        }
        other => api::cli::run_offline(&other, &config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            log::error!("{err}");
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
