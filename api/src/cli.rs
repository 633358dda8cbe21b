//! The command line: `serve` (the default), `migrate`, `openapi`, `demo` and `operator add`.

use std::io::BufRead;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use domain::email::EmailAddress;
use persistence::accounts;

use crate::auth::password;
use crate::config::{Config, Environment};
use crate::startup::{Application, StartError, open_database};
use crate::{demo, openapi};

#[derive(Debug, Parser)]
#[command(
    name = "ouderportaal",
    version,
    about = "Ouderportaal: the parent-portal API server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default). Migrations run first.
    Serve {
        /// Fill an empty database with demo data first.
        #[arg(long)]
        demo: bool,
        /// With --demo: write the demo accounts to log in with to this JSON file.
        #[arg(long, value_name = "FILE", requires = "demo")]
        credentials: Option<PathBuf>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Print the OpenAPI contract (YAML) to standard output.
    Openapi,
    /// Fill an empty database with demo data and exit.
    Demo {
        /// Write the demo accounts to log in with to this JSON file.
        #[arg(long, value_name = "FILE")]
        credentials: Option<PathBuf>,
    },
    /// Manage platform operator accounts.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create a platform operator. The password is read from OUDERPORTAAL_OPERATOR_PASSWORD or,
    /// when that is not set, from the first line of standard input.
    Add {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("{0}")]
    Usage(String),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs a command that does not serve HTTP.
pub fn run_offline(command: &Command, config: &Config) -> Result<(), CliError> {
    match command {
        Command::Migrate => {
            open_database(config)?;
            log::info!("database is up to date");
            Ok(())
        }
        Command::Openapi => {
            let yaml = openapi::document_yaml().map_err(CliError::Usage)?;
            #[expect(
                clippy::print_stdout,
                reason = "printing the contract is this command's output"
            )]
            {
                print!("{yaml}");
            }
            Ok(())
        }
        Command::Demo { credentials } => load_demo(config, credentials.as_ref()),
        Command::Operator {
            command: OperatorCommand::Add { email },
        } => add_operator(config, email),
        Command::Serve { .. } => Err(CliError::Usage(
            "serve is not an offline command".to_owned(),
        )),
    }
}

/// Runs the server, after the demo data when asked.
pub async fn serve(
    config: Config,
    demo: bool,
    credentials: Option<PathBuf>,
) -> Result<(), CliError> {
    if demo {
        load_demo(&config, credentials.as_ref())?;
    }
    let app = Application::build(config.clone())?;
    log::info!(
        "listening on {} (port {}); Swagger UI at /docs",
        config.bind,
        app.port()
    );
    app.run_until_stopped().await?;
    Ok(())
}

fn load_demo(config: &Config, credentials: Option<&PathBuf>) -> Result<(), CliError> {
    if config.environment == Environment::Production {
        return Err(CliError::Usage(
            "demo data is refused when OUDERPORTAAL_ENV=production".to_owned(),
        ));
    }
    let db = open_database(config)?;
    let accounts = demo::load(&db).map_err(|err| CliError::Usage(format!("demo data: {err}")))?;
    if let Some(path) = credentials {
        let json = serde_json::to_string_pretty(&accounts)
            .map_err(|err| CliError::Usage(err.to_string()))?;
        std::fs::write(path, json)?;
        log::info!("demo credentials written to {}", path.display());
    }
    Ok(())
}

fn add_operator(config: &Config, email: &str) -> Result<(), CliError> {
    let email = EmailAddress::parse(email).map_err(|e| CliError::Usage(format!("--email {e}")))?;
    let secret = match std::env::var("OUDERPORTAAL_OPERATOR_PASSWORD") {
        Ok(secret) => secret,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if secret.chars().count() < password::MIN_PASSWORD_LENGTH
        || secret.chars().count() > password::MAX_PASSWORD_LENGTH
    {
        return Err(CliError::Usage(format!(
            "the password must be {} to {} characters",
            password::MIN_PASSWORD_LENGTH,
            password::MAX_PASSWORD_LENGTH
        )));
    }
    let hash = password::hash(&secret).map_err(CliError::Usage)?;
    let db = open_database(config)?;
    let mut conn = db.get().map_err(StartError::from)?;
    accounts::insert_operator(&mut conn, email.as_str(), &hash).map_err(|err| match err {
        persistence::RepoError::Conflict(_) => {
            CliError::Usage("an account with this e-mail address exists".to_owned())
        }
        other => CliError::Start(StartError::from(other)),
    })?;
    log::info!("platform operator created");
    Ok(())
}
