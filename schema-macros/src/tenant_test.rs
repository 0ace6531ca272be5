//! `#[runner::test]`: an `async fn` test given a tenant of its own. Read
//! from the tokens directly (syn without its `full` feature parses no
//! functions, and this needs only the signature's outline).

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(first) = args.into_iter().next() {
        return quote_spanned!(first.span()=> ::core::compile_error!(
            "#[runner::test] takes no arguments: the tenant's seed comes from the test's name"
        ););
    }
    match split(item) {
        Ok(parts) => generate(parts),
        Err((span, message)) => quote_spanned!(span=> ::core::compile_error!(#message);),
    }
}

/// `#[attrs] vis async fn name(args) -> ret { body }`, in pieces.
struct Parts {
    attrs: TokenStream,
    vis: TokenStream,
    name: proc_macro2::Ident,
    args: TokenStream,
    ret: TokenStream,
    body: TokenTree,
}

fn split(item: TokenStream) -> Result<Parts, (Span, String)> {
    let mut tokens = item.into_iter().peekable();
    let mut attrs = TokenStream::new();
    let mut vis = TokenStream::new();
    let mut is_async = false;
    // Attributes (`#` and a bracket group), the visibility, qualifiers.
    let fn_token = loop {
        match tokens.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == '#' => {
                attrs.extend([TokenTree::Punct(p)]);
                attrs.extend(tokens.next());
            }
            Some(TokenTree::Ident(i)) if i == "pub" => {
                vis.extend([TokenTree::Ident(i)]);
                if let Some(TokenTree::Group(g)) = tokens.peek() {
                    if g.delimiter() == Delimiter::Parenthesis {
                        vis.extend(tokens.next());
                    }
                }
            }
            Some(TokenTree::Ident(i)) if i == "async" => is_async = true,
            Some(TokenTree::Ident(i)) if i == "fn" => break i,
            Some(other) => {
                return Err((
                    other.span(),
                    "#[runner::test] goes on an `async fn` taking the tenant: \
                     `async fn name(tenant: runner::testing::TestTenant)`"
                        .into(),
                ))
            }
            None => {
                return Err((
                    Span::call_site(),
                    "#[runner::test] goes on an `async fn`".into(),
                ))
            }
        }
    };
    if !is_async {
        return Err((
            fn_token.span(),
            "#[runner::test] needs an `async fn` (it runs it on a runtime of its own)".into(),
        ));
    }
    let name = match tokens.next() {
        Some(TokenTree::Ident(name)) => name,
        _ => return Err((fn_token.span(), "a test function needs a name".into())),
    };
    let args = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g,
        other => {
            let span = other.map_or(name.span(), |t| t.span());
            return Err((
                span,
                "generic tests are not supported by #[runner::test]".into(),
            ));
        }
    };
    if args.stream().is_empty() {
        return Err((
            args.span(),
            "the test takes its tenant: `(tenant: runner::testing::TestTenant)`".into(),
        ));
    }
    let mut rest: Vec<TokenTree> = tokens.collect();
    let body = match rest.pop() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => TokenTree::Group(g),
        other => {
            let span = other.map_or(name.span(), |t| t.span());
            return Err((span, "expected the test's body".into()));
        }
    };
    if let Some(TokenTree::Ident(w)) = rest
        .iter()
        .find(|t| matches!(t, TokenTree::Ident(i) if i == "where"))
    {
        return Err((
            w.span(),
            "generic tests are not supported by #[runner::test]".into(),
        ));
    }
    Ok(Parts {
        attrs,
        vis,
        name,
        args: args.stream(),
        ret: rest.into_iter().collect(),
        body,
    })
}

fn generate(parts: Parts) -> TokenStream {
    let Parts {
        attrs,
        vis,
        name,
        args,
        ret,
        body,
    } = parts;
    let path = name.to_string();
    quote! {
        #attrs
        #[::core::prelude::v1::test]
        #vis fn #name() #ret {
            async fn #name(#args) #ret #body
            ::runner::testing::run_test(
                ::core::concat!(::core::module_path!(), "::", #path),
                #name,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    fn error_of(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        expand(args, item).to_string()
    }

    #[test]
    fn a_test_becomes_a_plain_test_calling_the_runner() {
        let out = expand(
            quote!(),
            quote!(
                #[ignore]
                async fn sums(tenant: TestTenant) -> Result<(), E> {
                    body()
                }
            ),
        )
        .to_string();
        assert!(
            out.starts_with(
                "# [ignore] # [:: core :: prelude :: v1 :: test] fn sums () -> Result < () , E >"
            ),
            "{out}"
        );
        assert!(
            out.contains("async fn sums (tenant : TestTenant) -> Result < () , E > { body () }"),
            "{out}"
        );
        assert!(out.contains(":: runner :: testing :: run_test"), "{out}");
    }

    #[test]
    fn what_it_cannot_run_is_refused_with_a_reason() {
        for (args, item, reason) in [
            (
                quote!(seed = 1),
                quote!(
                    async fn t(x: T) {}
                ),
                "takes no arguments",
            ),
            (
                quote!(),
                quote!(
                    fn t(x: T) {}
                ),
                "needs an `async fn`",
            ),
            (
                quote!(),
                quote!(
                    async fn t() {}
                ),
                "takes its tenant",
            ),
            (
                quote!(),
                quote!(
                    async fn t<X>(x: X) {}
                ),
                "generic tests",
            ),
            (
                quote!(),
                quote!(
                    struct T;
                ),
                "goes on an `async fn`",
            ),
        ] {
            let out = error_of(args, item);
            assert!(
                out.contains("compile_error") && out.contains(reason),
                "{out}"
            );
        }
    }
}
