import type { AnswerStatus } from '../assessments/assessments.table';

/**
 * What the demo vendors answer and what the demo council writes back, per requirement of the
 * baseline profile, so each comment is about the requirement it sits on. Answers, notes and
 * messages are single texts in the data model (written in the language of whoever wrote them), so
 * the demo's are in bokmål, as a Norwegian vendor and council would write them. All names,
 * addresses and figures are made up.
 */
export type DemoAssessmentTexts = {
  /** The vendor's explanation per status; without `not_applicable` the requirement cannot sensibly be not applicable. */
  answer: Record<Exclude<AnswerStatus, 'not_applicable'>, string> & { not_applicable?: string };
  /** The council's note when it accepts a "meets" answer. */
  accepted: string;
  /** The council's note when it rejects a "meets" answer: why the claim does not hold. */
  rejected: string;
  /** The council's request for more evidence. */
  changeRequest: string;
  /** The council's internal note, never shown to the vendor. */
  internal: string;
  /** The vendor's reply to a rejection, and the council's answer to it. */
  vendorReply: string;
  reviewerReply: string;
  /** What the vendor adds when it revises an accepted answer. */
  revised: string;
};

export const DEMO_ASSESSMENT_TEXTS: Record<string, DemoAssessmentTexts> = {
  'EXP-001': {
    answer: {
      meets: 'Kundens administrator starter full eksport under Innstillinger > Eksport. Eksporten gir CSV og JSON for alle fagdata, vedlegg i originalformat og en ZIP med logger. For en kommune med 6 000 elever tar den om lag 40 minutter.',
      partly: 'Kunden kan selv eksportere alle fagdata og vedlegg fra administrasjonsmodulen. Logger og konfigurasjon må i dag bestilles fra brukerstøtte og leveres innen fem virkedager.',
      does_not_meet: 'Full eksport gjøres i dag av driftsavdelingen vår etter bestilling. Kunden kan ikke starte den selv.',
    },
    accepted: 'Godkjent. Vi startet en full eksport i testmiljøet under demonstrasjonen 4. mars; den tok 38 minutter og inneholdt fagdata, vedlegg og logger.',
    rejected: 'Avvist. Dokumentasjonen viser at eksporten bestilles i kundeportalen og kjøres av leverandøren. Kravet er at kunden selv kan starte den, uten medvirkning fra leverandøren.',
    changeRequest: 'Legg ved en skjermdump av eksportsiden og en oversikt over hvilke filer en full eksport inneholder.',
    internal: 'Samme svar som i fjor. Ta det opp i kontraktsmøtet hvis det ikke endres.',
    vendorReply: 'Vi mener bestillingen i kundeportalen oppfyller kravet: kunden trykker selv på knappen, og eksporten er klar neste virkedag uten kostnad.',
    reviewerReply: 'Takk. En bestilling som leverandøren behandler er ikke det samme som at kunden starter eksporten selv. Oppdater svaret når selvbetjent eksport er på plass.',
    revised: 'Fra versjon 2026.2 starter kunden eksporten også gjennom API-et.',
  },
  'EXP-002': {
    answer: {
      meets: 'Eksporten har alle versjoner av hver post med endringslogg tilbake til oppstart, vedlegg i originalformat med kobling til posten, og metadata om hvem som opprettet og endret posten og når.',
      partly: 'Vedlegg og metadata er med i eksporten. Historikken eksporteres bare for de siste tre årene; eldre versjoner ligger i et arkiv som bare kan leses i løsningen.',
      does_not_meet: 'Eksporten inneholder gjeldende versjon av hver post. Historikk og endringslogg kan bare ses i løsningen.',
      not_applicable: 'Løsningen lagrer ikke tidligere versjoner av poster: hver endring er en ny, selvstendig post, og alle poster er med i eksporten.',
    },
    accepted: 'Godkjent. Utdraget fra prøveeksporten viser versjonshistorikk, endringslogg og vedlegg koblet til riktig elev.',
    rejected: 'Avvist. Prøveeksporten vi fikk inneholder bare gjeldende versjon av postene; endringsloggen mangler.',
    changeRequest: 'Legg ved et utdrag av eksporten som viser hvordan tidligere versjoner og endringsloggen er representert.',
    internal: 'Historikken er viktig for klagesaker. Sjekk at slettede vedlegg også er med.',
    vendorReply: 'Endringsloggen ligger i en egen fil i eksporten, historikk.csv. Vi sender et nytt utdrag.',
    reviewerReply: 'Vi fant filen, men den har bare feltnavn og tidspunkt, ikke gamle verdier. Det holder ikke for kravet om alle historiske versjoner.',
    revised: 'Eksporten har nå gamle og nye verdier i endringsloggen.',
  },
  'EXP-003': {
    answer: {
      meets: 'Vi leser en full eksport inn i en tom instans hvert kvartal og sammenligner antall poster og sjekksummer. Siste testrapport er vedlagt. Eksporten kan også leses inn i PostgreSQL med skriptet i formatbeskrivelsen.',
      partly: 'Eksporten testes ved hver hovedversjon ved innlesing i en tom instans, men ikke hvert kvartal. Innlesing i en alminnelig database er ikke testet.',
      does_not_meet: 'Vi har ikke testet innlesing av en full eksport.',
    },
    accepted: 'Godkjent. Testrapporten fra januar viser samme antall poster per objekttype før og etter innlesing, og vi leste utdraget inn i PostgreSQL selv.',
    rejected: 'Avvist. Rapporten beskriver en test av en delvis eksport; kravet gjelder en full eksport.',
    changeRequest: 'Legg ved rapporten fra siste test, med antall poster per objekttype før og etter innlesing.',
    internal: 'Be om å få delta på neste kvartalsvise test.',
    vendorReply: 'Den delvise eksporten dekket alle objekttyper; vi valgte et utvalg av elevene for å spare tid.',
    reviewerReply: 'Det viser at formatet virker, men ikke at en full eksport er fullstendig. Send rapporten fra en full test når den er gjort.',
    revised: 'Lagt ved rapport fra full test i april.',
  },
  'API-001': {
    answer: {
      meets: 'Lese-API-et dekker alle objekttyper. OpenAPI-beskrivelsen ligger på utvikler.fiktiv.example/api, og dekningsmatrisen er vedlagt.',
      partly: 'API-et dekker elever, klasser, fravær og vurderinger. Dokumentarkivet og kodelistene kommer i API-et i versjon 2027.1.',
      does_not_meet: 'Løsningen har ikke et åpent lese-API; integrasjoner lages som kundetilpassede filuttrekk.',
    },
    accepted: 'Godkjent. Dekningsmatrisen viser et leseendepunkt for hver objekttype i datamodellen, og OpenAPI-beskrivelsen er offentlig.',
    rejected: 'Avvist. Dekningsmatrisen mangler endepunkter for dokumenter og kodelister, som er fagdata etter kravet.',
    changeRequest: 'Lever dekningsmatrisen per objekttype; adressen til API-beskrivelsen alene er ikke nok.',
    internal: 'Sammenlign med matrisen fra anskaffelsen i Nabokommunen i fjor.',
    vendorReply: 'Dokumenter kan hentes gjennom eksporten. Vi ser ikke behovet for å hente dem i API-et i tillegg.',
    reviewerReply: 'Kravet gjelder lesetilgang til alle fagdata i API-et. Eksporten dekker et annet behov.',
    revised: 'Kodelistene er nå med i API-et; dekningsmatrisen er oppdatert.',
  },
  'API-003': {
    answer: {
      meets: 'API-et har masseuthenting per objekttype som fil, og endringsstrøm med markør som også melder slettinger. Alle elever i en kommune av deres størrelse hentes på under én time.',
      partly: 'Masseuthenting per objekttype finnes. Endringer siden et tidspunkt kan hentes, men slettinger meldes ikke.',
      does_not_meet: 'API-et gir oppslag på enkeltposter. Masseuthenting gjøres gjennom eksporten.',
    },
    accepted: 'Godkjent. Vi hentet alle elever med masseuthenting på 22 minutter, og endringsstrømmen meldte slettingene vi gjorde i testmiljøet.',
    rejected: 'Avvist. I testen ble slettede poster ikke meldt i endringsstrømmen, bare nye og endrede.',
    changeRequest: 'Beskriv hvordan slettinger meldes i endringsstrømmen, og oppgi hvor lang tid en masseuthenting tar.',
    internal: 'Viktig for integrasjonen mot fagsystem for PPT.',
    vendorReply: 'Slettinger meldes som poster med status «slettet». Kan det være at testen filtrerte dem bort?',
    reviewerReply: 'Vi har sjekket igjen uten filter, og de slettede postene kom ikke med. Vi sender loggen fra testen.',
    revised: 'Slettinger meldes nå med identifikator og tidspunkt.',
  },
  'DOC-001': {
    answer: {
      meets: 'Datamodellen er beskrevet på dokumentasjon.fiktiv.example/datamodell med JSON Schema og XSD, versjonsnummer og endringslogg. Eldre versjoner ligger ute i fem år.',
      partly: 'Datamodellen er beskrevet som lesbar dokumentasjon med endringslogg. Maskinlesbare skjemaer finnes bare for API-et, ikke for eksporten.',
      does_not_meet: 'Datamodellen beskrives i opplæringsmateriellet. Den er ikke publisert som egen beskrivelse.',
    },
    accepted: 'Godkjent. Beskrivelsen er offentlig, har JSON Schema for alle objekttyper og en endringslogg for hver versjon.',
    rejected: 'Avvist. Beskrivelsen mangler kodelistene og har ingen versjonsnummer, så vi kan ikke se hvilken versjon eksporten følger.',
    changeRequest: 'Oppgi gjeldende versjon av beskrivelsen og hvor eldre versjoner ligger.',
    internal: 'Ok i fjor; sjekk om kodelistene er kommet med.',
    vendorReply: 'Kodelistene ligger i et eget dokument. Versjonsnummer legges inn fra neste utgave.',
    reviewerReply: 'Da venter vi med godkjenning til versjonsnummeret er på plass. Kodelistene bør lenkes fra beskrivelsen.',
    revised: 'Beskrivelsen har nå versjonsnummer, og kodelistene er tatt inn.',
  },
  'SEC-001': {
    answer: {
      meets: 'Maskin-til-maskin-tilgang gis med Maskinporten. Det finnes egne scopes for lesing og skriving per dataområde, og kunden gir og trekker tilgang i administrasjonsmodulen.',
      partly: 'Tilgang gis med OAuth 2.0 klientlegitimasjon. Det finnes scopes for lesing og skriving, men ikke per dataområde; Maskinporten er planlagt.',
      does_not_meet: 'API-tilgang gis med en fast API-nøkkel per kunde.',
    },
    accepted: 'Godkjent. Vi har fått tilgang med Maskinporten i testmiljøet, og lesescopet for fravær gir ikke tilgang til spesialpedagogiske data.',
    rejected: 'Avvist. Tilgangen i testmiljøet ble gitt med en delt API-nøkkel, ikke med Maskinporten eller tilsvarende.',
    changeRequest: 'Legg ved listen over scopes og en beskrivelse av hvordan kunden trekker tilbake en tilgang.',
    internal: 'Informasjonssikkerhetsrådgiver bør se på scopene før neste møte.',
    vendorReply: 'API-nøkkelen var bare for testmiljøet. I produksjon brukes Maskinporten.',
    reviewerReply: 'Send dokumentasjon av oppsettet i produksjon, så vurderer vi svaret på nytt.',
    revised: 'Egne scopes per dataområde er innført.',
  },
  'EXIT-001': {
    answer: {
      meets: 'Klausulen aksepteres uten forbehold. Ved bytte gir vi bistand etter timepris i prisbilaget til både ny leverandør og kundens egen driftsavdeling.',
      partly: 'Klausulen aksepteres for bytte til annen leverandør. Flytting til kundens egen infrastruktur støttes ikke, siden løsningen bare leveres som skytjeneste.',
      does_not_meet: 'Vi kan ikke akseptere en rett til delvis bytte av tjenesten.',
    },
    accepted: 'Godkjent. Klausulen er akseptert uten forbehold i tilbudsbrevet, og bistanden er priset i prisbilaget.',
    rejected: 'Avvist. Tilbudsbrevet har et forbehold om at bytte bare kan skje ved avtalens utløp, i strid med klausulen.',
    changeRequest: 'Bekreft skriftlig at forbeholdet i tilbudsbrevet punkt 4 er trukket.',
    internal: 'Juridisk har sett på forbeholdet; det må trekkes før kontrakt.',
    vendorReply: 'Forbeholdet gjelder bare bytte midt i et skoleår. Vi kan vurdere å trekke det.',
    reviewerReply: 'Klausulen gir rett til bytte når som helst i avtaleperioden. Et forbehold om skoleåret kan vi ikke godta.',
    revised: 'Forbeholdet i tilbudsbrevet er trukket.',
  },
  'EXIT-002': {
    answer: {
      meets: 'Klausulen aksepteres. Et bytte kan gjennomføres innen 90 dager med full drift, uendret tjenestenivå og samme sikkerhetstiltak som ellers.',
      partly: 'Klausulen aksepteres, men et bytte tar erfaringsmessig 120 dager for en kommune av deres størrelse.',
      does_not_meet: 'Vi tilbyr ikke drift etter at avtalen er sagt opp.',
      not_applicable: 'Løsningen leveres for drift i kundens eget datasenter. Kunden drifter den selv gjennom hele byttet, og vi har ingen drift å videreføre.',
    },
    accepted: 'Godkjent. Klausulen er akseptert, og bytteplanen viser at overføringen gjøres innen fristen.',
    rejected: 'Avvist. Bytteplanen legger opp til redusert tjenestenivå i overgangsperioden.',
    changeRequest: 'Legg ved bytteplanen, og beskriv hvordan sikkerheten ivaretas mens data overføres.',
    internal: 'Sjekk at supportavtalen også gjelder i overgangsperioden.',
    vendorReply: 'Redusert tjenestenivå gjelder bare nyutvikling, ikke drift og support.',
    reviewerReply: 'Skriv det i bytteplanen, så ser vi på den igjen.',
    revised: 'Bytteplanen er oppdatert: fullt tjenestenivå i hele overgangsperioden.',
  },
  'EXIT-006': {
    answer: {
      meets: 'Klausulen aksepteres. Våre standardvilkår har ingen bindingstid som gir lengre frist, og vilkårenes punkt om oppsigelse gjelder ikke bytte.',
      partly: 'Klausulen aksepteres, men standardvilkårene har seks måneders oppsigelse, som vi ønsker skal gjelde ved bytte midt i avtaleperioden.',
      does_not_meet: 'Vi krever tolv måneders varsel før et bytte.',
      not_applicable: 'Produktet selges som engangslisens uten løpende tjenesteavtale, så det finnes ingen tjeneste å varsle bytte av.',
    },
    accepted: 'Godkjent. Vi har lest standardvilkårene; ingen bestemmelse gir lengre frist enn klausulen.',
    rejected: 'Avvist. Standardvilkårene punkt 12 har en bindingstid på tolv måneder, som gir lengre frist for å sette i gang et bytte.',
    changeRequest: 'Bekreft at punkt 12 i standardvilkårene ikke gjelder når kunden setter i gang et bytte.',
    internal: 'Ta med punkt 12 i listen over forbehold til forhandlingsmøtet.',
    vendorReply: 'Bindingstiden gjelder prisen, ikke retten til å bytte.',
    reviewerReply: 'Vilkårene sier ikke det. Skriv det inn i avtalen, så kan svaret godkjennes.',
    revised: 'Punkt 12 er endret, så bindingstiden ikke gjelder bytte.',
  },
  'EXIT-007': {
    answer: {
      meets: 'Bilaget med eksporterbare data og digitale eiendeler er vedlagt: 34 kategorier med format, henvisning til formatbeskrivelsen og eksportmetode for hver. Det oppdateres ved hver hovedversjon.',
      partly: 'Bilaget er vedlagt for fagdata og dokumenter. Kundens maler og integrasjonsoppsett er ikke med ennå.',
      does_not_meet: 'Vi lager en liste over data når kunden ber om bytte.',
    },
    accepted: 'Godkjent. Listen dekker fagdata, logger, konfigurasjon, maler og integrasjoner, med format og eksportmetode for hver kategori.',
    rejected: 'Avvist. Listen mangler logger og konfigurasjon, og den er ikke uttømmende slik klausulen krever.',
    changeRequest: 'Legg til eksportformat og eksportmetode for hver kategori i listen.',
    internal: 'Sammenlign med EXP-001-svaret; listene bør stemme.',
    vendorReply: 'Logger er med under «tekniske data». Vi kan skille dem ut.',
    reviewerReply: 'Ja, list logger og konfigurasjon som egne kategorier med format, så blir det tydelig.',
    revised: 'Logger og konfigurasjon er egne kategorier i bilaget.',
  },
  'EXIT-009': {
    answer: {
      meets: 'Klausulen aksepteres. Kunden kan hente ut alle data i 90 dager etter overgangsperioden, med de samme eksportene og API-ene som før.',
      partly: 'Data kan hentes i 90 dager etter overgangsperioden, men bare som full eksport; API-et stenges når overgangsperioden er over.',
      does_not_meet: 'Tilgangen stenges når avtalen opphører.',
      not_applicable: 'Løsningen driftes i kundens eget datasenter, og dataene ligger hos kunden etter at avtalen er over. Det er ingenting å hente fra oss.',
    },
    accepted: 'Godkjent. Klausulen er akseptert, og uthentingen skjer med de samme verktøyene som i avtaleperioden.',
    rejected: 'Avvist. Vilkårene sier at API-tilgangen stenges ved opphør; klausulen krever de samme grensesnittene i hele perioden.',
    changeRequest: 'Bekreft at API-et er tilgjengelig i hele perioden for henting av data.',
    internal: 'Vanlig forbehold hos denne leverandøren.',
    vendorReply: 'Full eksport gir de samme dataene som API-et.',
    reviewerReply: 'Klausulen krever de samme grensesnittene, ikke bare de samme dataene. Integrasjonene våre bruker API-et.',
    revised: 'API-et er nå åpent i hele perioden for henting av data.',
  },
  'EXIT-010': {
    answer: {
      meets: 'Klausulen aksepteres. Vi sletter produksjonsdata og reservekopier etter NIST SP 800-88 innen 30 dager, også hos underleverandøren for drift. Mal for sletteattest er vedlagt.',
      partly: 'Produksjonsdata slettes innen 30 dager. Reservekopier slettes når de roteres ut, etter 180 dager.',
      does_not_meet: 'Vi utsteder ikke sletteattest.',
      not_applicable: 'Løsningen leveres for drift i kundens eget datasenter. Vi har ingen kopi av kundens data og har ingenting å slette.',
    },
    accepted: 'Godkjent. Slettemetoden følger NIST SP 800-88, og malen for sletteattest dekker reservekopier og underleverandører.',
    rejected: 'Avvist. Reservekopier hos underleverandøren er ikke omfattet av slettingen eller av sletteattesten.',
    changeRequest: 'Legg ved malen for sletteattest og en beskrivelse av hvordan reservekopier slettes.',
    internal: 'Personvernombudet vil se malen før vi godkjenner.',
    vendorReply: 'Underleverandøren roterer reservekopier automatisk etter 180 dager.',
    reviewerReply: 'Klausulen krever sletting innen fristen, også av reservekopier. Rotasjon etter 180 dager er for sent.',
    revised: 'Reservekopier slettes nå innen fristen, og underleverandøren signerer sletteattesten.',
  },
  'PRI-001': {
    answer: {
      meets: 'Klausulen aksepteres. Prisbilaget oppgir 0 kroner i byttegebyr, også før 12. januar 2027.',
      partly: 'Klausulen aksepteres fra 12. januar 2027. Før det krever vi et fast byttegebyr på 45 000 kroner, som er oppgitt i prisbilaget.',
      does_not_meet: 'Bistand ved bytte faktureres etter medgått tid etter ordinær timepris.',
      not_applicable: 'Produktet selges som engangslisens uten driftsavtale. Det finnes ingen tjeneste å bytte fra, og dermed ingen byttegebyrer.',
    },
    accepted: 'Godkjent. Prisbilaget oppgir 0 kroner i byttegebyr.',
    rejected: 'Avvist. Prisbilaget har et fast byttegebyr uten beregningsgrunnlag, og klausulen tillater bare dokumenterte, direkte kostnader.',
    changeRequest: 'Legg ved beregningsgrunnlaget for byttegebyret i prisbilaget.',
    internal: 'Fast gebyr er trolig i strid med dataforordningen fra 2027.',
    vendorReply: 'Gebyret dekker våre faktiske kostnader ved et bytte.',
    reviewerReply: 'Da må kostnadene dokumenteres i prisbilaget. Et fast beløp uten grunnlag kan vi ikke godta.',
    revised: 'Byttegebyret er fjernet fra prisbilaget.',
  },
  'PRI-002': {
    answer: {
      meets: 'Klausulen aksepteres. Eksport og API-uttrekk er med i det faste vederlaget, uten kvoter. Eneste begrensning er 50 kall per sekund, som er begrunnet i driftsstabilitet.',
      partly: 'Eksport er gratis fire ganger i året. Utover det faktureres 2 500 kroner per eksport.',
      does_not_meet: 'Eksport faktureres som konsulentoppdrag.',
    },
    accepted: 'Godkjent. Ingen gebyrer for eksport, og grensen på 50 kall per sekund er rimelig begrunnet.',
    rejected: 'Avvist. Prisbilaget har en grense på fire gratis eksporter i året; klausulen tillater ingen slike kvoter.',
    changeRequest: 'Oppgi alle grenser for frekvens, volum og antall kall som gjelder for eksport.',
    internal: 'Sjekk prisbilaget for skjulte datagebyrer.',
    vendorReply: 'Fire eksporter i året er mer enn kundene våre bruker.',
    reviewerReply: 'Klausulen gjelder retten, ikke vanlig bruk. Kvoten må fjernes.',
    revised: 'Kvoten på fire eksporter er fjernet.',
  },
  'OWN-001': {
    answer: {
      meets: 'Klausulen aksepteres uten forbehold. Ingen bestemmelser i standardvilkårene gir oss rettigheter til kundens data, og klausulen går foran.',
      partly: 'Klausulen aksepteres, men lisensvilkårene gir oss rett til å bruke anonymiserte bruksdata til produktutvikling.',
      does_not_meet: 'Vi eier konfigurasjon og maler som er laget i løsningen.',
    },
    accepted: 'Godkjent. Vi har gått gjennom standardvilkårene og lisensvilkårene og funnet ingen rettigheter til kundens data.',
    rejected: 'Avvist. Lisensvilkårene punkt 7 gir leverandøren rett til å bruke kundens logger til produktutvikling.',
    changeRequest: 'List opp alle bestemmelser i vilkårene som gjelder kundens data, med punktnummer.',
    internal: 'Juridisk bør se på punkt 7 i lisensvilkårene.',
    vendorReply: 'Loggene anonymiseres før de brukes.',
    reviewerReply: 'Logger er kundens data etter klausulen, også anonymisert. Bruken må avtales særskilt.',
    revised: 'Punkt 7 i lisensvilkårene er strøket.',
  },
};

/** Texts for a requirement without its own, written so they still fit any requirement. */
const GENERAL: DemoAssessmentTexts = {
  answer: {
    meets: 'Kravet er oppfylt i standardversjonen av løsningen. Se vedlagt dokumentasjon.',
    partly: 'Kravet er delvis oppfylt. Det som mangler, er planlagt i neste hovedversjon.',
    does_not_meet: 'Kravet er ikke oppfylt i dag.',
  },
  accepted: 'Godkjent på grunnlag av dokumentasjonen.',
  rejected: 'Avvist. Dokumentasjonen viser ikke at kravet er oppfylt.',
  changeRequest: 'Legg ved dokumentasjon som viser hvordan kravet er oppfylt.',
  internal: 'Følg opp i neste møte med leverandøren.',
  vendorReply: 'Vi mener kravet er oppfylt og sender mer dokumentasjon.',
  reviewerReply: 'Takk. Vi vurderer svaret på nytt når dokumentasjonen er kommet.',
  revised: 'Svaret er oppdatert med ny dokumentasjon.',
};

/** The council's note when it accepts an answer that says the requirement is not, or only partly, met. */
export const CONFIRMED_GAP = 'Svaret stemmer med det vi så i demonstrasjonen. Kravet regnes som ikke oppfylt inntil funksjonen er levert.';
/** The council's note when it accepts that a requirement does not apply. */
export const CONFIRMED_NOT_APPLICABLE = 'Vi er enige i at kravet ikke gjelder for denne leveransemodellen.';

export const demoAssessmentTexts = (key: string): DemoAssessmentTexts => DEMO_ASSESSMENT_TEXTS[key] ?? GENERAL;
