//! `amend serve [--data DIR] [--addr HOST:PORT | --bind HOST --port P]`: the library in
//! the browser. The first run on an empty library loads the demo library.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::import_cmd::{default_data_dir, open_store};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The library's data folder (created when missing).
    #[arg(long, env = "AMEND_DATA", default_value_os_t = default_data_dir())]
    data: PathBuf,
    /// A database URL instead of the data folder: `sqlite:PATH` or
    /// `postgres://USER:PASSWORD@HOST/DATABASE` (several servers may share one).
    #[arg(long)]
    db: Option<String>,
    /// Address to listen on, `HOST:PORT` (overrides --bind and --port).
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Host to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Do not load the demo library into an empty library, nor create the demo users.
    #[arg(long)]
    no_demo: bool,
    /// Mark the session cookie `Secure` (set when users reach the server over HTTPS,
    /// through a proxy).
    #[arg(long, env = "AMEND_SECURE_COOKIES")]
    secure_cookies: bool,
}

pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(args))
}

async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let store = open_store(&args.data, args.db.as_deref()).await?;
    let state = amend_server::AppState::new(store).with_secure_cookies(args.secure_cookies);
    if !args.no_demo {
        let loaded = amend_server::demo::load_if_empty(&state).await?;
        if loaded > 0 {
            println!("amend: loaded the demo library ({loaded} documents)");
        }
        let (password, generated) = amend_server::demo::demo_password()?;
        amend_server::demo::users(&state, &password).await?;
        let names: Vec<&str> = amend_server::demo::USERS.iter().map(|u| u.0).collect();
        if generated {
            println!(
                "amend: demo users {} with the password {password} (set AMEND_DEMO_PASSWORD to choose it)",
                names.join(", ")
            );
        } else {
            println!(
                "amend: demo users {} with the password of AMEND_DEMO_PASSWORD",
                names.join(", ")
            );
        }
    }
    let listener = match args.addr {
        Some(addr) => tokio::net::TcpListener::bind(addr).await,
        None => tokio::net::TcpListener::bind((args.bind.as_str(), args.port)).await,
    }
    .map_err(|e| anyhow::anyhow!("cannot listen: {e}"))?;
    let addr = listener.local_addr()?;
    let location = args
        .db
        .clone()
        .unwrap_or_else(|| args.data.display().to_string());
    println!("amend: serving the library at http://{addr}/ (data: {location}); Ctrl-C stops");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    amend_server::serve(listener, state.clone(), shutdown).await?;
    state.store().close().await;
    Ok(())
}
