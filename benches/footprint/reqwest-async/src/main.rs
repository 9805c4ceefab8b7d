//! GET the URL given as the only argument and print the body, with reqwest and its cookie store.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: reqwest-async URL")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let body = runtime.block_on(async { client.get(url).send().await?.text().await })?;
    println!("{body}");
    Ok(())
}
