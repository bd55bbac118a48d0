package dev.cardos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** The module boundaries of SPEC's modular monolith, verified from the compiled classes. */
class ModularityTest {

  private static final String DOCS_FOLDER = "target/spring-modulith-docs";
  private static final ApplicationModules MODULES = ApplicationModules.of(CardosApplication.class);

  @Test
  void modulesUseEachOtherOnlyThroughTheirApiAndFormNoCycles() {
    MODULES.verify();
  }

  @Test
  void everyTopLevelPackageIsAModule() {
    assertThat(MODULES.stream().map(ApplicationModule::getIdentifier).map(Object::toString))
        .contains("api", "cardholders", "database", "shared", "tenancy");
  }

  @Test
  void writesTheModuleDiagram() throws IOException {
    new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(DOCS_FOLDER))
        .writeModulesAsPlantUml();

    Path diagram = Path.of(DOCS_FOLDER, "components.puml");
    assertThat(diagram).exists();
    assertThat(Files.readString(diagram)).contains("\"Cardholders\"", "\"Tenancy\"", "Rel(");
  }
}
