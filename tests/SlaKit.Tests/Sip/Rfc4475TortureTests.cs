using System.Text;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.Rfc4475Messages;

namespace SlaKit.Tests.Sip;

/// <summary>
/// The torture test messages of RFC 4475 §3 against the parser and the stream framer, one test per message named after
/// it. Valid messages parse; invalid ones are refused with a <see cref="SipParseException"/>, or read the way the RFC
/// allows a liberal element to read them, which each test says and cites. Which of the messages the client meets in its
/// role is said on <see cref="Rfc4475Messages"/>.
/// </summary>
public class Rfc4475TortureTests
{
    // ---- 3.1.1 Valid messages: every one parses ------------------------------------------------------------------

    [Fact]
    public void Rfc4475_3_1_1_1_wsinv_parses()
    {
        SipRequest request = Request(Wsinv);

        Assert.Equal("INVITE", request.Method);
        Assert.Equal("sip:vivekg@chair-dnrc.example.com;unknownparam", request.RequestUri);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", request.Headers["Call-ID"]);

        // Integer fields with leading zeros, the CSeq folded over two lines.
        Assert.Equal("0009 INVITE", request.Headers["CSeq"]);
        Assert.True(SipHeaderValues.TryParseCSeq(request.Headers["CSeq"]!, out long sequence, out string method));
        Assert.Equal((9L, "INVITE"), (sequence, method));
        Assert.True(SipHeaderValues.TryParseMaxForwards(request.Headers["Max-Forwards"]!, out int hops));
        Assert.Equal(68, hops);

        // Folds read as one space; "s :" is an empty Subject; an unknown header keeps its odd value as it is.
        Assert.Equal("newfangled value continued newfangled value", request.Headers["NewFangledHeader"]);
        Assert.Equal(";;,,;;,;", request.Headers["UnknownHeaderWithUnusualValue"]);
        Assert.Equal("", request.Headers["Subject"]);
        Assert.Equal("1918181833n", SipHeaderValues.Tag(request.Headers["To"]!));
        Assert.Equal("98asjd8", SipHeaderValues.Tag(request.Headers["From"]!));
        Assert.Equal(
            "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33",
            request.Headers["Contact"]);

        // Three Via values on two lines, LWS around every slash and semicolon.
        Assert.Equal(
            [
                "SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw",
                "SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8  , SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239",
            ],
            request.Headers.GetValues("Via"));
        Assert.Equal("390skdjuw", SipHeaderValues.TopBranch(request));

        AssertSdpBody(request, 150);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_2_intmeth_parses()
    {
        SipRequest request = Request(Intmeth);

        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", request.Method);
        Assert.Equal("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com", request.RequestUri);
        Assert.Equal("139122385 !interesting-Method0123456789_*+`.%indeed'~", request.Headers["CSeq"]);
        Assert.Equal("z9hG4bK-.!%66*_+`'~", SipHeaderValues.TopBranch(request));
        Assert.Equal("255", request.Headers["Max-Forwards"]);

        // Quoted-pairs escape BEL, NUL and DEL in the display name (RFC 3261 §25.1 quoted-pair).
        Assert.Equal("\"BEL:\\\u0007 NUL:\\\0 DEL:\\\u007F\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>", request.Headers["To"]);

        // A display name of several tokens, and a parameter whose quoted value is UTF-8.
        string from = request.Headers["From"]!;
        Assert.StartsWith("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;", from, StringComparison.Ordinal);
        Assert.Contains(";fromParam''~+*_!.-%=\"работающий\";", from, StringComparison.Ordinal);
        Assert.Equal("_token~1'+`*%!-.", SipHeaderValues.Tag(from));

        // % is no escape, " opens no string and brackets need no partner in a Call-ID.
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", request.Headers["Call-ID"]);

        // An extension header with token characters in its name and UTF-8 (a byte order mark first) in its value.
        Assert.Equal("\uFEFF大停電", request.Headers["extensionHeader-!.%*+_`'~"]);
        Assert.True(request.Body.IsEmpty);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_3_esc01_parses()
    {
        SipRequest request = Request(Esc01);

        // The escapes stay as received: unescaping is for whoever interprets the URI.
        Assert.Equal("sip:sips%3Auser%40example.com@example.net", request.RequestUri);
        Assert.Equal("sip:%75se%72@example.com", request.Headers["To"]);
        Assert.Equal("<sip:I%20have%20spaces@example.net>;tag=938", request.Headers["From"]);
        Assert.Equal("<sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>", request.Headers["Contact"]);
        Assert.Equal("esc01.239409asdfakjkn23onasd0-3234", request.Headers["Call-ID"]);
        Assert.Equal("application/sdp", request.Headers["Content-Type"]);
        Assert.Equal("234234 INVITE", request.Headers["CSeq"]);
        AssertSdpBody(request, 150);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_4_escnull_parses()
    {
        SipRequest request = Request(Escnull);

        Assert.Equal("REGISTER", request.Method);
        Assert.Equal("sip:example.com", request.RequestUri);

        // %00 is three characters in the URI, never a NUL that would end the user name early.
        Assert.Equal("sip:null-%00-null@example.com", request.Headers["To"]);
        Assert.Equal(["<sip:%00@host5.example.com>", "<sip:%00%00@host5.example.com>"], request.Headers.GetValues("Contact"));
        Assert.Equal("escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd", request.Headers["Call-ID"]);
        Assert.Equal("14398234 REGISTER", request.Headers["CSeq"]);
        Assert.Equal("0", request.Headers["Content-Length"]);
        Assert.True(request.Body.IsEmpty);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_5_esc02_parses()
    {
        SipRequest request = Request(Esc02);

        // % is no escape in a method, a display name, a branch or a header name.
        Assert.Equal("RE%47IST%45R", request.Method);
        Assert.Equal("29344 RE%47IST%45R", request.Headers["CSeq"]);
        Assert.Equal("\"%Z%45\" <sip:resource@example.com>", request.Headers["To"]);
        Assert.Equal("z9hG4bK209%fzsnel234", SipHeaderValues.TopBranch(request));
        Assert.Equal(["<sip:alias1@host1.example.com>", "<sip:alias3@host3.example.com>"], request.Headers.GetValues("Contact"));
        Assert.Equal("<sip:alias2@host2.example.com>", request.Headers["C%6Fntact"]);
        Assert.Equal("esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf", request.Headers["Call-ID"]);
        Assert.True(request.Body.IsEmpty);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_6_lwsdisp_parses()
    {
        SipRequest request = Request(Lwsdisp);

        Assert.Equal("OPTIONS", request.Method);
        Assert.Equal("caller<sip:caller@example.com>;tag=323", request.Headers["From"]);
        Assert.Equal("323", SipHeaderValues.Tag(request.Headers["From"]!));
        Assert.Equal("sip:caller@example.com", SipDialog.AddrSpec(request.Headers["From"]!));
        Assert.Equal("lwsdisp.1234abcd@funky.example.com", request.Headers["Call-ID"]);
        Assert.Equal("60 OPTIONS", request.Headers["CSeq"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_7_longreq_parses()
    {
        SipRequest request = Request(Longreq);

        Assert.Equal("INVITE", request.Method);
        Assert.Equal("longreq.one" + Repeat("really", 20) + "longcallid", request.Headers["Call-ID"]);
        Assert.Equal("3882340 INVITE", request.Headers["CSeq"]);
        Assert.StartsWith($"\"I have a user name of {Repeat("extreme", 10)} proportion\"<sip:user@example.com:6000;", request.Headers["To"], StringComparison.Ordinal);
        Assert.Equal("12" + Repeat("982", 50) + "424", SipHeaderValues.Tag(request.Headers["From"]!));
        Assert.Equal(
            $"unknown-{Repeat("long", 20)}-value; unknown-{Repeat("long", 20)}-parameter-name = unknown-{Repeat("long", 20)}-parameter-value",
            request.Headers[$"Unknown-{Repeat("Long", 20)}-Name"]);

        // 34 Via values under every spelling of the name, compact or not, with white space before the colon.
        IReadOnlyList<string> vias = request.Headers.GetValues("Via");
        Assert.Equal(34, vias.Count);
        Assert.Equal(Enumerable.Range(1, 33).Select(i => $"SIP/2.0/TCP sip{34 - i}.example.com"), vias.Take(33));
        Assert.Equal($"SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very{Repeat("long", 50)}branchvalue", vias[33]);
        Assert.Null(SipHeaderValues.TopBranch(request));

        AssertSdpBody(request, 150);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_8_dblreq_parses_as_the_register_alone()
    {
        // RFC 3261 §18.3: in a datagram, the octets after Content-Length's worth of body are not part of the message.
        SipRequest request = Request(Dblreq);

        Assert.Equal("REGISTER", request.Method);
        Assert.Equal("dblreq.0ha0isndaksdj99sdfafnl3lk233412", request.Headers["Call-ID"]);
        Assert.Equal("8 REGISTER", request.Headers["CSeq"]);
        Assert.Equal(8, request.Headers.Count);
        Assert.False(request.Headers.Contains("Content-Type"));
        Assert.True(request.Body.IsEmpty);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_9_semiuri_parses()
    {
        SipRequest request = Request(Semiuri);

        Assert.Equal("sip:user;par=u%40example.net@example.com", request.RequestUri);
        Assert.Equal("application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag", request.Headers["Accept"]);
        Assert.Equal("semiuri.0ha0isndaksdj", request.Headers["Call-ID"]);
        Assert.Equal("8 OPTIONS", request.Headers["CSeq"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_10_transports_parses()
    {
        SipRequest request = Request(Transports);

        Assert.Equal("transports.kijh4akdnaqjkwendsasfdj", request.Headers["Call-ID"]);
        Assert.Equal(
            ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"],
            request.Headers.GetValues("Via").Select(via => via[..via.IndexOf(' ', StringComparison.Ordinal)]["SIP/2.0/".Length..]));
        Assert.Equal("z9hG4bKkdjuw", SipHeaderValues.TopBranch(request));
        Assert.Equal("60 OPTIONS", request.Headers["CSeq"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_11_mpart01_parses()
    {
        SipRequest request = Request(Mpart01);

        Assert.Equal("MESSAGE", request.Method);
        Assert.Equal("3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..", request.Headers["Call-ID"]);
        Assert.Equal("1 MESSAGE", request.Headers["CSeq"]);
        Assert.Equal("multipart/mixed;boundary=7a9cbec02ceef655", request.Headers["Content-Type"]);

        // The body is framed by Content-Length alone, NUL bytes and all.
        byte[] body = request.Body.ToArray();
        byte[] signature = Convert.FromHexString(Mpart01Signature);
        Assert.Equal(553, body.Length);
        Assert.Contains((byte)0, signature);
        Assert.Equal(187, body.AsSpan().IndexOf(signature));
        Assert.EndsWith("\r\n--7a9cbec02ceef655--\r\n", Encoding.Latin1.GetString(body), StringComparison.Ordinal);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_1_12_unreason_parses()
    {
        SipResponse response = Response(Unreason);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", response.ReasonPhrase);
        Assert.Equal("unreason.1234ksdfak3j2erwedfsASdf", response.Headers["Call-ID"]);
        Assert.Equal("35 INVITE", response.Headers["CSeq"]);
        Assert.Equal("z9hG4bK1324923", SipHeaderValues.TopBranch(response));
        AssertSdpBody(response, 154);
    }

    [Fact]
    public void Rfc4475_3_1_1_13_noreason_parses_and_without_its_space_is_refused()
    {
        SipResponse response = Response(Noreason);

        Assert.Equal(100, response.StatusCode);
        Assert.Equal("", response.ReasonPhrase);
        Assert.Equal("noreason.asndj203insdf99223ndf", response.Headers["Call-ID"]);
        Assert.Equal("35 INVITE", response.Headers["CSeq"]);
        Assert.True(response.Body.IsEmpty);

        // §3.1.1.13: without the space after the code the message "could be rejected as invalid"; this parser does so.
        byte[] withoutSpace = Edit(Noreason, "SIP/2.0 100 \r\n", "SIP/2.0 100\r\n");
        Assert.Equal(11, Refused(withoutSpace, "expected a space after the status code").Position);
    }

    // ---- 3.1.2 Invalid messages: refused, or read as the RFC lets a liberal element read them ---------------------

    [Fact]
    public void Rfc4475_3_1_2_1_badinv01_is_refused()
    {
        SipParseException error = Refused(Badinv01, "Via is not SIP/2.0/transport host[:port] followed by parameters");

        Assert.Equal(At(Badinv01, "Via: SIP/2.0/UDP 192.0.2.15;;,;,,"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_2_clerr_is_refused()
    {
        // §3.1.2.2: over UDP, a Content-Length beyond the datagram is answered 400; here the datagram is dropped.
        SipParseException error = Refused(Clerr, "Content-Length is 9999 but only 154 bytes follow the header section");

        Assert.Equal(Clerr.Length, error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_3_ncl_is_refused()
    {
        SipParseException error = Refused(Ncl, "Content-Length is not a number of bytes");

        Assert.Equal(At(Ncl, "Content-Length: -999"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_4_scalar02_is_refused_for_its_cseq()
    {
        // §3.1.2.4: the CSeq error earns a 400 on its own.
        Assert.Equal(At(Scalar02, "CSeq:"), Refused(Scalar02, "CSeq is not a sequence number below 2^31").Position);

        // Were Max-Forwards the only error, an element "could choose" to act as if it were absent; this parser refuses it.
        byte[] onlyMaxForwards = Edit(Scalar02, "CSeq: 36893488147419103232 REGISTER", "CSeq: 1 REGISTER");
        Assert.Equal(At(onlyMaxForwards, "Max-Forwards:"), Refused(onlyMaxForwards, "Max-Forwards is not a number from 0 to 255").Position);

        // Were the expiry values the only errors, they may be treated as the default: the client never reads them, so
        // they are kept as received.
        SipRequest onlyExpiry = Request(Edit(onlyMaxForwards, "Max-Forwards: 300", "Max-Forwards: 70"));
        Assert.Equal("1" + Repeat("0", 100), onlyExpiry.Headers["Expires"]);
        Assert.Equal("<sip:user@host129.example.com> ;expires=280297596632815", onlyExpiry.Headers["Contact"]);
    }

    [Fact]
    public void Rfc4475_3_1_2_5_scalarlg_is_refused_for_its_cseq()
    {
        // §3.1.2.5: the response is discarded, as a malformed response is (RFC 3261 §18.1.2).
        Assert.Equal(At(Scalarlg, "CSeq:"), Refused(Scalarlg, "CSeq is not a sequence number below 2^31").Position);

        // The client reads Retry-After from a 503: a delay of 27 digits reads as no delay given, not as an overflow.
        SipResponse onlyRetryAfter = Response(Edit(Scalarlg, "CSeq: 9292394834772304023312 OPTIONS", "CSeq: 1 OPTIONS"));
        Assert.Equal(503, onlyRetryAfter.StatusCode);
        Assert.Null(onlyRetryAfter.RetryAfter);
        Assert.Equal("1812 overture \"In Progress\"", onlyRetryAfter.Headers["Warning"]);
    }

    [Fact]
    public void Rfc4475_3_1_2_6_quotbal_is_refused()
    {
        SipParseException error = Refused(Quotbal, "To has a quoted string that does not end");

        Assert.Equal(At(Quotbal, "To:"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_7_ltgtruri_is_refused()
    {
        SipParseException error = Refused(Ltgtruri, "the Request-URI has no scheme");

        Assert.Equal(At(Ltgtruri, "<sip:user@example.com> SIP/2.0"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_8_lwsruri_is_refused()
    {
        SipParseException error = Refused(Lwsruri, "the request line does not end with SIP/2.0");

        Assert.Equal(At(Lwsruri, "lr SIP/2.0"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_9_lwsstart_is_refused()
    {
        SipParseException error = Refused(Lwsstart, "expected a Request-URI followed by a space and SIP/2.0");

        Assert.Equal("INVITE ".Length, error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_10_trws_is_refused()
    {
        SipParseException error = Refused(Trws, "the request line does not end with SIP/2.0");

        Assert.Equal(At(Trws, "SIP/2.0  \r\n"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_11_escruri_is_tolerated_with_its_escaped_headers_ignored()
    {
        // §3.1.2.11: an element "could choose to be liberal ... and ignore the escaped headers"; they must never become
        // header fields. The client keeps the Request-URI as received, never acts on it, and forwards nothing.
        SipRequest request = Request(Escruri);

        Assert.Equal("sip:user@example.com?Route=%3Csip:example.com%3E", request.RequestUri);
        Assert.False(request.Headers.Contains("Route"));
        Assert.Equal("escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5", request.Headers["Call-ID"]);
        AssertSdpBody(request, 150);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_2_12_baddate_is_tolerated_with_its_date_ignored()
    {
        // §3.1.2.12: an element that does not use Date "could ignore this value altogether"; the client never reads it.
        SipRequest request = Request(Baddate);

        Assert.Equal("Fri, 01 Jan 2010 16:00:00 EST", request.Headers["Date"]);
        Assert.Equal("baddate.239423mnsadf3j23lj42--sedfnm234", request.Headers["Call-ID"]);
        AssertSdpBody(request, 150);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_2_13_regbadct_is_tolerated_with_the_angle_brackets_inferred()
    {
        // §3.1.2.13: a liberal element "could infer the angle brackets since there is no ambiguity in this example".
        SipRequest request = Request(Regbadct);

        Assert.Equal("sip:user@example.com?Route=%3Csip:sip.example.com%3E", request.Headers["Contact"]);
        Assert.Equal("sip:user@example.com?Route=%3Csip:sip.example.com%3E", SipDialog.AddrSpec(request.Headers["Contact"]!));
        Assert.Equal("regbadct.k345asrl3fdbv@10.0.0.1", request.Headers["Call-ID"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_2_14_badaspec_is_tolerated_with_the_spaces_ignored()
    {
        // §3.1.2.14: "Elements attempting to be liberal may ignore the spaces."
        SipRequest request = Request(Badaspec);

        Assert.Equal("\"Watson, Thomas\" < sip:t.watson@example.org >", request.Headers["To"]);
        Assert.Equal("sip:t.watson@example.org", SipDialog.AddrSpec(request.Headers["To"]!));
        Assert.Equal("433423", SipHeaderValues.Tag(request.Headers["From"]!));
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_2_15_baddn_is_tolerated_with_the_quotes_inferred()
    {
        // §3.1.2.15: a liberal element may "infer the missing quotes". The client never reads display names: it reads
        // the URI and the tag, which come out as they would with the quotes in place.
        SipRequest request = Request(Baddn);

        Assert.Equal("Bell, Alexander <sip:a.g.bell@example.com>;tag=43", request.Headers["From"]);
        Assert.Equal("43", SipHeaderValues.Tag(request.Headers["From"]!));
        Assert.Equal("sip:a.g.bell@example.com", SipDialog.AddrSpec(request.Headers["From"]!));
        Assert.Equal("sip:t.watson@example.org", SipDialog.AddrSpec(request.Headers["To"]!));
        Assert.Null(SipHeaderValues.Tag(request.Headers["To"]!));
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_1_2_16_badvers_is_refused()
    {
        SipParseException error = Refused(Badvers, "the request line does not end with SIP/2.0");

        Assert.Equal(At(Badvers, "SIP/7.0"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_17_mismatch01_is_refused()
    {
        SipParseException error = Refused(Mismatch01, "the CSeq method 'INVITE' is not the request's method 'OPTIONS'");

        Assert.Equal(At(Mismatch01, "CSeq:"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_18_mismatch02_is_refused()
    {
        SipParseException error = Refused(Mismatch02, "the CSeq method 'INVITE' is not the request's method 'NEWMETHOD'");

        Assert.Equal(At(Mismatch02, "CSeq:"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_1_2_19_bigcode_is_refused()
    {
        // 4294967301 is 2^32 + 5: read as a 32-bit number it would wrap round to a 5; its fourth digit is refused instead.
        SipParseException error = Refused(Bigcode, "expected a space after the status code");

        Assert.Equal("SIP/2.0 429".Length, error.Position);
    }

    // ---- 3.2 Transaction layer semantics ---------------------------------------------------------------------------

    [Fact]
    public void Rfc4475_3_2_1_badbranch_parses()
    {
        // §3.2.1: the parser must not break; what the branch means is the transaction layer's business.
        SipRequest request = Request(Badbranch);

        Assert.Equal("z9hG4bK", SipHeaderValues.TopBranch(request));
        Assert.Equal("badbranch.sadonfo23i420jv0as0derf3j3n", request.Headers["Call-ID"]);
        Assert.Equal("8 OPTIONS", request.Headers["CSeq"]);
        AssertAnswerable(request);
    }

    // ---- 3.3 Application-layer semantics: the parser reads them, or refuses what it cannot read safely ------------

    [Fact]
    public void Rfc4475_3_3_1_insuf_is_refused()
    {
        // §3.3.1: no Call-ID, From, To or Max-Forwards; the first one missing is named.
        SipParseException error = Refused(Insuf, "the message has no From header");

        Assert.Equal(At(Insuf, "\r\n\r\n") + 2, error.Position);
    }

    [Fact]
    public void Rfc4475_3_3_2_unkscm_parses()
    {
        SipRequest request = Request(Unkscm);

        Assert.Equal("nobodyKnowsThisScheme:totallyopaquecontent", request.RequestUri);
        Assert.Equal("unkscm.nasdfasser0q239nwsdfasdkl34", request.Headers["Call-ID"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_3_novelsc_parses()
    {
        SipRequest request = Request(Novelsc);

        Assert.Equal("soap.beep://192.0.2.103:3002", request.RequestUri);
        Assert.Equal("novelsc.asdfasser0q239nwsdfasdkl34", request.Headers["Call-ID"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_4_unksm2_parses()
    {
        SipRequest request = Request(Unksm2);

        Assert.Equal("isbn:2983792873", request.Headers["To"]);
        Assert.Equal("3234233", SipHeaderValues.Tag(request.Headers["From"]!));
        Assert.Equal("http://www.example.com", SipDialog.AddrSpec(request.Headers["From"]!));
        Assert.Equal("<name:John_Smith>", request.Headers["Contact"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_5_bext01_parses()
    {
        SipRequest request = Request(Bext01);

        Assert.Equal("nothingSupportsThis, nothingSupportsThisEither", request.Headers["Require"]);
        Assert.Equal("noProxiesSupportThis, norDoAnyProxiesSupportThis", request.Headers["Proxy-Require"]);
        Assert.StartsWith("SIP/2.0/TLS fold-and-staple.example.com;", request.Headers["Via"], StringComparison.Ordinal);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_6_invut_parses()
    {
        SipRequest request = Request(Invut);

        Assert.Equal("application/unknownformat", request.Headers["Content-Type"]);
        Assert.Equal("<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n", Encoding.ASCII.GetString(request.Body.Span));
        Assert.Equal("40", request.Headers["Content-Length"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_7_regaut01_parses()
    {
        SipRequest request = Request(Regaut01);

        Assert.Equal("NoOneKnowsThisScheme opaque-data=here", request.Headers["Authorization"]);
        Assert.Equal("0", request.Headers["Content-Length"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_8_multi01_is_refused()
    {
        // §3.3.8: several Call-ID, To, From, Max-Forwards and CSeq values; the parser names the first it checks, From.
        SipParseException error = Refused(Multi01, "the message has more than one From header");

        Assert.Equal(At(Multi01, "From: sip:caller@example.net"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_3_9_mcl01_is_refused()
    {
        // §3.3.9: two Content-Length values leave the body's length unknown, as an invalid value would.
        SipParseException error = Refused(Mcl01, "the message has more than one Content-Length header");

        Assert.Equal(At(Mcl01, "Content-Length: 5"), error.Position);
    }

    [Fact]
    public void Rfc4475_3_3_10_bcast_parses()
    {
        // §3.3.10: well formed; not forwarding it to the broadcast address is a proxy's care, and the client forwards nothing.
        SipResponse response = Response(Bcast);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            ["SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923", "SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23"],
            response.Headers.GetValues("Via"));
        Assert.Equal("bcast.0384840201234ksdfak3j2erwedfsASdf", response.Headers["Call-ID"]);
        AssertSdpBody(response, 154);
    }

    [Fact]
    public void Rfc4475_3_3_11_zeromf_parses()
    {
        SipRequest request = Request(Zeromf);

        Assert.True(SipHeaderValues.TryParseMaxForwards(request.Headers["Max-Forwards"]!, out int hops));
        Assert.Equal(0, hops);
        Assert.Equal("zeromf.jfasdlfnm2o2l43r5u0asdfas", request.Headers["Call-ID"]);
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_12_cparam01_parses()
    {
        SipRequest request = Request(Cparam01);

        // Without angle brackets, the parameter belongs to the header field, not to the URI.
        Assert.Equal("sip:+19725552222@gw1.example.net;unknownparam", request.Headers["Contact"]);
        Assert.Equal("sip:+19725552222@gw1.example.net", SipDialog.AddrSpec(request.Headers["Contact"]!));
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_13_cparam02_parses()
    {
        SipRequest request = Request(Cparam02);

        // Within angle brackets, the parameter belongs to the URI.
        Assert.Equal("sip:+19725552222@gw1.example.net;unknownparam", SipDialog.AddrSpec(request.Headers["Contact"]!));
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_14_regescrt_parses()
    {
        SipRequest request = Request(Regescrt);

        Assert.Equal("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>", request.Headers["Contact"]);
        Assert.Equal("sip:user@example.com?Route=%3Csip:sip.example.com%3E", SipDialog.AddrSpec(request.Headers["Contact"]!));
        Assert.False(request.Headers.Contains("Route"));
        AssertAnswerable(request);
    }

    [Fact]
    public void Rfc4475_3_3_15_sdp01_parses()
    {
        SipRequest request = Request(Sdp01);

        Assert.Equal("text/nobodyKnowsThis", request.Headers["Accept"]);
        Assert.Equal("sdp01.ndaksdj9342dasdd", request.Headers["Call-ID"]);
        AssertSdpBody(request, 150);
        AssertAnswerable(request);
    }

    // ---- 3.4 Backward compatibility --------------------------------------------------------------------------------

    [Fact]
    public void Rfc4475_3_4_1_inv2543_is_refused_for_lack_of_max_forwards()
    {
        // §3.4.1 asks RFC 3261 elements to accept this only if they "want to maintain backwards compatibility" with RFC
        // 2543. The client does not: it speaks RFC 3261 to trunks that do, and RFC 3261 §8.1.1 requires Max-Forwards.
        Assert.Equal(At(Inv2543, "\r\n\r\n") + 2, Refused(Inv2543, "the message has no Max-Forwards header").Position);

        // Its other RFC 2543 traits are read: no branch, no From tag, and a body that is the rest of the datagram.
        SipRequest request = Request(Edit(Inv2543, "CSeq: 56 INVITE\r\n", "CSeq: 56 INVITE\r\nMax-Forwards: 70\r\n"));
        Assert.Null(SipHeaderValues.TopBranch(request));
        Assert.Null(SipHeaderValues.Tag(request.Headers["From"]!));
        Assert.False(request.Headers.Contains("Content-Length"));
        Assert.StartsWith("v=0\r\n", Encoding.ASCII.GetString(request.Body.Span), StringComparison.Ordinal);
        Assert.EndsWith("m=audio 49217 RTP/AVP 0\r\n", Encoding.ASCII.GetString(request.Body.Span), StringComparison.Ordinal);
        AssertAnswerable(request);
    }

    // ---- The stream framer (TCP, TLS): the messages whose framing matters ------------------------------------------

    [Fact]
    public void Rfc4475_3_1_1_valid_messages_on_one_stream_come_out_one_by_one()
    {
        // dblreq is left out: its extra octets are only noise in a datagram (see the next test).
        byte[][] valid = [Wsinv, Intmeth, Esc01, Escnull, Esc02, Lwsdisp, Longreq, Semiuri, Transports, Mpart01, Unreason, Noreason];
        var framer = new SipStreamFramer();
        Feed(framer, [.. valid.SelectMany(message => message)]);

        foreach (byte[] message in valid)
        {
            Assert.True(framer.TryReadMessage(out SipMessage? framed));
            SipMessage parsed = SipMessage.Parse(message);
            Assert.Equal(parsed.Headers, framed.Headers);
            Assert.Equal(parsed.Body.ToArray(), framed.Body.ToArray());
        }

        Assert.False(framer.TryReadMessage(out _));
    }

    [Fact]
    public void Rfc4475_3_1_1_8_dblreq_on_a_stream_is_two_messages()
    {
        // RFC 3261 §18.3: on a stream, Content-Length says where a message ends, so what follows is the next message.
        var framer = new SipStreamFramer();
        Feed(framer, Dblreq);

        Assert.True(framer.TryReadMessage(out SipMessage? register));
        Assert.Equal("REGISTER", Assert.IsType<SipRequest>(register).Method);
        Assert.True(register.Body.IsEmpty);
        Assert.True(framer.TryReadMessage(out SipMessage? invite));
        Assert.Equal("INVITE", Assert.IsType<SipRequest>(invite).Method);
        Assert.Equal(150, invite.Body.Length);
    }

    [Fact]
    public void Rfc4475_3_1_1_11_mpart01_on_a_stream_is_framed_by_its_content_length()
    {
        var framer = new SipStreamFramer();
        Feed(framer, [.. Mpart01, .. Noreason]);

        Assert.True(framer.TryReadMessage(out SipMessage? message));
        Assert.Equal(553, message.Body.Length);
        Assert.True(framer.TryReadMessage(out SipMessage? next));
        Assert.Equal(100, Assert.IsType<SipResponse>(next).StatusCode);
    }

    [Fact]
    public void Rfc4475_3_1_2_2_clerr_on_a_stream_waits_for_the_body_it_declares()
    {
        // §3.1.2.2: on a stream "there's not much the receiving party could do but wait for more data"; the transport
        // closes a connection whose reads time out. Whatever arrives meanwhile is taken as body.
        var framer = new SipStreamFramer();
        Feed(framer, Clerr);
        Assert.False(framer.TryReadMessage(out _));

        Feed(framer, Noreason);
        Assert.False(framer.TryReadMessage(out _));
    }

    [Fact]
    public void Rfc4475_3_1_2_3_ncl_on_a_stream_is_a_framing_error()
    {
        // §3.1.2.3: over TCP "the framing error is not recoverable, and the connection should be closed".
        var framer = new SipStreamFramer();
        Feed(framer, Ncl);

        SipParseException error = Assert.Throws<SipParseException>(() => framer.TryReadMessage(out _));
        Assert.Contains("Content-Length is not a number of bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc4475_3_3_9_mcl01_on_a_stream_is_a_framing_error()
    {
        // §3.3.9: as with a negative Content-Length, "the framing error is not recoverable" over TCP.
        var framer = new SipStreamFramer();
        Feed(framer, Mcl01);

        SipParseException error = Assert.Throws<SipParseException>(() => framer.TryReadMessage(out _));
        Assert.Contains("more than one Content-Length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc4475_3_1_2_5_scalarlg_on_a_stream_is_discarded_and_the_next_message_read()
    {
        // §3.1.2.5: a receiver "will simply discard" it. Its Content-Length of 0 frames it well, so on a stream the
        // next message's start is known: the framer skips it, reports why, and reads on.
        var dropped = new List<SipParseException>();
        var framer = new SipStreamFramer(dropped.Add);
        Feed(framer, Scalarlg);
        Feed(framer, Noreason);

        Assert.True(framer.TryReadMessage(out SipMessage? next));
        Assert.Equal(100, Assert.IsType<SipResponse>(next).StatusCode);
        SipParseException error = Assert.Single(dropped);
        Assert.Equal(At(Scalarlg, "CSeq:"), error.Position);
        Assert.Contains("CSeq", error.Message, StringComparison.Ordinal);
    }

    private static SipRequest Request(byte[] message) => Assert.IsType<SipRequest>(SipMessage.Parse(message));

    private static SipResponse Response(byte[] message) => Assert.IsType<SipResponse>(SipMessage.Parse(message));

    /// <summary>Asserts that the parser refuses <paramref name="message"/> and says <paramref name="reason"/>.</summary>
    private static SipParseException Refused(byte[] message, string reason)
    {
        SipParseException error = Assert.Throws<SipParseException>(() => SipMessage.Parse(message));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        return error;
    }

    /// <summary>
    /// Asserts that the client can answer a request it received: the transaction layer answers each one (481, or what
    /// the call's dialog decides) with a response built from its header fields, which must write and read back.
    /// </summary>
    private static void AssertAnswerable(SipRequest request)
    {
        SipResponse answer = SipResponses.To(request, 481, "Call/Transaction Does Not Exist");

        SipResponse parsed = Response(answer.ToBytes());
        Assert.Equal(request.Headers.GetValues("Via"), parsed.Headers.GetValues("Via"));
        Assert.Equal(request.Headers["From"], parsed.Headers["From"]);
        Assert.Equal(request.Headers["Call-ID"], parsed.Headers["Call-ID"]);
        Assert.Equal(request.Headers["CSeq"], parsed.Headers["CSeq"]);
        Assert.NotNull(SipHeaderValues.Tag(parsed.Headers["To"]!));
    }

    /// <summary>Asserts the SDP body most of the RFC's messages carry: Content-Length's worth, ending where the SDP ends.</summary>
    private static void AssertSdpBody(SipMessage message, int length)
    {
        string body = Encoding.ASCII.GetString(message.Body.Span);
        Assert.Equal(length, message.Body.Length);
        Assert.Equal(length.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Headers["Content-Length"]);
        Assert.StartsWith("v=0\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("a=rtpmap:31 LPC\r\n", body, StringComparison.Ordinal);
    }

    /// <summary>The offset of the first occurrence of ASCII <paramref name="text"/> in <paramref name="message"/>.</summary>
    private static int At(byte[] message, string text)
    {
        int at = message.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text));
        Assert.True(at >= 0, $"'{text}' is not in the message");
        return at;
    }

    /// <summary><paramref name="message"/> with the first <paramref name="from"/> made <paramref name="to"/>, byte for byte.</summary>
    private static byte[] Edit(byte[] message, string from, string to)
    {
        int at = At(message, from);
        return [.. message.AsSpan(0, at), .. Encoding.ASCII.GetBytes(to), .. message.AsSpan(at + from.Length)];
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    private static void Feed(SipStreamFramer framer, byte[] bytes)
    {
        bytes.CopyTo(framer.GetWriteBuffer().Span);
        framer.Advance(bytes.Length);
    }
}
