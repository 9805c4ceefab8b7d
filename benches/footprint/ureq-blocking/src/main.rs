//! GET the URL given as the only argument and print the body, with ureq and its cookie jar.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: ureq-blocking URL")?;
    let agent = ureq::Agent::new_with_defaults();
    let body = agent.get(&url).call()?.body_mut().read_to_string()?;
    println!("{body}");
    Ok(())
}
