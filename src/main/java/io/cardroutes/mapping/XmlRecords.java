package io.cardroutes.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.cardroutes.pipeline.InvalidRequestException;

/**
 * Reads an XML card file, {@code <cards><card>...</card>...</cards>} (the record element named by the
 * layout), into one map per record element, as Jackson reads XML: child elements and attributes become
 * fields, repeated or nested elements lists and maps. A document with a DOCTYPE is refused before
 * anything in it is acted on: the parser never resolves DTDs or external entities, so no file or URL
 * that an input names is ever read.
 */
public class XmlRecords {

    static final String DOCTYPE_REFUSED = "the XML has a DOCTYPE declaration, which is refused: card files may not "
            + "declare DTDs or entities (nothing they name is read); remove the <!DOCTYPE ...> part";
    private final XMLInputFactory factory;
    private final XmlMapper xml = new XmlMapper();

    public XmlRecords() {
        factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    /** The records of the document, in document order: every {@code recordElement} child of the root. */
    public List<Map<String, Object>> records(InputStream in, String recordElement) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(in); // the encoding its declaration names, else UTF-8
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new InvalidRequestException(DOCTYPE_REFUSED);
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (depth == 1 && reader.getLocalName().equals(recordElement)) {
                        records.add(record(reader)); // leaves the reader on the record's end tag
                        continue;
                    }
                    depth++;
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException e) {
            throw new InvalidRequestException("not well-formed XML: " + e.getMessage());
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // closing a reader of a stream Camel closes
                }
            }
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> record(XMLStreamReader reader) throws IOException {
        try {
            Map<String, Object> record = xml.readValue(reader, Map.class);
            return record == null ? Map.of() : record;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRequestException("not well-formed XML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
    }
}
