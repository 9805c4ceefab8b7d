//! GET the URL given as the only argument and print the body, with the blocking session.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: tarry-blocking URL")?;
    let session = tarry_session::blocking::Session::new();
    println!("{}", session.get(url).send()?.text()?);
    Ok(())
}
