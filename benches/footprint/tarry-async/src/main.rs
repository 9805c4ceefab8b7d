//! GET the URL given as the only argument and print the body, with the async session.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: tarry-async URL")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let session = tarry_session::Session::new();
    let body = runtime.block_on(async { session.get(url).send().await?.text().await })?;
    println!("{body}");
    Ok(())
}
